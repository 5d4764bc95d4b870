// The AWS client module.
