"""AWS edges: DynamoDB and SQS. The only code that imports boto3 and knows keys, expressions and item shapes."""
