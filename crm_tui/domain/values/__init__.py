"""One parser per kind of value, each in the module of its kind, imported from there.

``phones`` (E.164 and extensions), ``emails``, ``requisites`` (INN, KPP, OGRN read and checked;
BIK and account checks), ``legal_forms`` (ООО «Ромашка» -> form and name), ``text`` (plain text
and people's names), ``dates``, ``amounts`` (kopecks); ``cells`` holds what every parser takes
and returns, ``folding`` the case- and ё-blind keys text is searched and sorted by, ``formatting``
how values read back to a person. The import, the dialogs, the CLI, the search, privacy and the
overlap check all read values here.
"""
