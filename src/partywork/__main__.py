from partywork.cli import main

main()
