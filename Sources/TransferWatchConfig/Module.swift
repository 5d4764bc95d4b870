// The configuration module.
