"""The case model: incident and exercise cases, their fields, vocabularies and rules (no Qt, no SQL).

``fields`` declares how fields are described; ``incident`` and ``exercise`` declare the fields; ``case`` holds
the aggregate and the rules across records; ``vocab``, ``nis2`` and ``rsit`` the vocabularies.
"""
