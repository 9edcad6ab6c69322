"""The sections of a plan, one module per part of the account picture."""
