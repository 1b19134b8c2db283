"""Excel in and out: reading spreadsheets, the import engine with undo, exports and templates.

The pages' own kinds (社群, 话术素材, 朋友圈 …) put themselves into the registries here, once, when
the package is first imported."""

from services.excel.kinds_care import register_care_kinds
from services.excel.kinds_groups import register_group_kinds
from services.excel.kinds_library import register_library_kinds
from services.excel.kinds_loyalty import register_loyalty_kinds
from services.excel.kinds_moments import register_moment_kinds

register_group_kinds()
register_library_kinds()
register_loyalty_kinds()
register_moment_kinds()
register_care_kinds()
