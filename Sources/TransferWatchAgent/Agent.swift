/// TransferWatchAgent: the sidecar's long-running services and its HTTP endpoints.
package enum Agent {}
