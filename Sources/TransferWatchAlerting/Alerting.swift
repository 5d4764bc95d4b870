/// TransferWatchAlerting: from ``AlertInstance``s computed by rule evaluation to notifications, once:
/// deduplication, grouping, inhibition, silences, SNS and webhook receivers, and an audit trail.
package enum Alerting {}
