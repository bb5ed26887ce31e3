import _signal  # the C module: `signal` would import enum first, a window of its own
import os

# Ctrl-C while Python is still importing pw: nothing has been read or written yet, so leave at
# once, quietly, instead of with a KeyboardInterrupt traceback (launch.main takes over from here).
_signal.signal(_signal.SIGINT, lambda *_: os._exit(130))

from partywork.launch import main  # noqa: E402

main()
