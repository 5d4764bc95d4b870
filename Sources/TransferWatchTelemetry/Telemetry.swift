/// TransferWatchTelemetry: the pipeline's CloudWatch metrics (CONTRACT.md's names, dimension `Environment`),
/// published through a durable spool or as Embedded Metric Format; alarms as code; dashboards.
package enum Telemetry {}
