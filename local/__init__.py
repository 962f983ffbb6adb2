"""Run the code hook on this machine: tables from template.yaml in an embedded moto backend, demo data, CLI."""
