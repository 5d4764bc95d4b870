// The command line module.
