"""An offline Lex V2 conversation simulator driven by the AWS::Lex::Bot resource in template.yaml."""
