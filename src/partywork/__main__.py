import os
import signal

# Ctrl-C while Python is still importing pw: nothing has been read or written yet, so leave at
# once, quietly, instead of with a KeyboardInterrupt traceback (launch.main takes over from here).
signal.signal(signal.SIGINT, lambda *_: os._exit(130))

from partywork.launch import main  # noqa: E402

main()
