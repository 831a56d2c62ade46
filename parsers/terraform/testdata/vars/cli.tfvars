from_varfile = "varfile"
from_cli     = "varfile"
