"""The layer's AWS clients: budgets, deadlines and error codes (aws.py), and the signing keys (secrets.py).

The store modules build on them: recording.table and recording.backlog (writes), insights.store
(reads) and erasure (deletes). Within the layer, only these import boto3 and botocore (checked).
"""
