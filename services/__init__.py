"""All business logic, plain Python: no Qt import (enforced by ruff's banned-api rule)."""
