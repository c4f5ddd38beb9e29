"""The client portrait (seed 000): its fields, their answers and the completeness score.

Screens and widgets, which do not import storage, take ``FieldKind`` from here.
"""

from crm_tui.storage.tables.kinds import FieldKind as FieldKind
