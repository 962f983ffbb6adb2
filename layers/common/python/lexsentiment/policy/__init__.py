"""Pure rules: how a feeling is scored and what it calls for. Standard library only: no models, no AWS, no clock."""
