"""The effects engine: every job reduced to typed effects with resolved arguments (model.py),
read by one reader per language (shell.py, python.py, perl.py, expect.py; device.py for
network-element command streams, sql.py for statements), with values followed (resolve.py),
encodings undone (decode.py) and MIB names resolved (mib.py), at a bounded cost (bounds.py);
rules (rules.py, data in collector/rules/) judge the effects and judge.py turns them into a
Judgement."""
