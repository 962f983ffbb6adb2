"""Pure rules: no AWS, no Powertools, no clock, no I/O."""
