from partywork.launch import main

main()
