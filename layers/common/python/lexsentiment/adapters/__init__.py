"""The layer's AWS edges (DynamoDB, SQS).

Within the layer, the only code that imports boto3 and knows table keys and item shapes.
"""
