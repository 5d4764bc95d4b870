import TransferWatchCommands

await TransferWatchCommand.main()
