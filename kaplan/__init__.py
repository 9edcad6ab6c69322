"""kaplan: key-account plans as code."""

__version__ = "0.1.0"
# The name on PyPI (`pip install kaplan-plans`): `kaplan` there is an unrelated project. The import
# package and the command are still `kaplan`.
DISTRIBUTION = "kaplan-plans"
