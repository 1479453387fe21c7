from grammarkit.cli import main

main()
