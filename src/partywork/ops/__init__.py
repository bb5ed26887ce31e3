"""The write commands: one function per `pw` write (log, edit, void, member …, close, sync),
each validated in full and made as one commit through storage.txn."""
