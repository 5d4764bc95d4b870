import Logging
import TransferWatchAWS

/// Publishes dashboard templates with `PutDashboard`, one dashboard per file, named for the environment.
///
/// ```swift
/// let publisher = DashboardPublisher(cloudWatch: cloudWatch, namespace: "TransferWatch", region: "us-east-1",
///                                    environment: "prod", logger: logger)
/// let results = await publisher.publish(templates, dryRun: false)
/// ```
///
/// Templates should be linted first (``DashboardLinter``); publishing does not check metrics again.
package struct DashboardPublisher: Sendable {
    /// The CloudWatch client.
    package var cloudWatch: CloudWatchClient
    /// Substituted for `${namespace}`.
    package var namespace: String
    /// Substituted for `${region}`.
    package var region: String
    /// Substituted for `${environment}`, and the dashboard name's suffix.
    package var environment: String
    /// Where progress is logged.
    package var logger: Logger

    /// A publisher.
    package init(
        cloudWatch: CloudWatchClient, namespace: String, region: String, environment: String, logger: Logger
    ) {
        self.cloudWatch = cloudWatch
        self.namespace = namespace
        self.region = region
        self.environment = environment
        self.logger = logger
    }

    /// What publishing one file did.
    package struct Result: Sendable {
        /// The file.
        package var file: String
        /// The dashboard's name in CloudWatch.
        package var dashboardName: String
        /// The substituted body's size in bytes.
        package var bodySize: Int
        /// CloudWatch's validation messages (empty when accepted as is; always empty on a dry run).
        package var validationMessages: [CloudWatchClient.DashboardValidationMessage]
        /// The error, when `PutDashboard` failed.
        package var error: AWSError?
        /// Whether this was a dry run (nothing sent).
        package var isDryRun: Bool

        /// One line for the terminal: `published transferwatch-prod from dashboards/transferwatch.json (…)`.
        package var summary: String {
            let verb = isDryRun ? "would publish" : (error == nil ? "published" : "failed to publish")
            var line = "\(verb) \(dashboardName) from \(file) (\(bodySize) bytes)"
            if let error {
                line += ": " + "\(error)".split(whereSeparator: \.isNewline).joined(separator: " ")
            }
            for message in validationMessages {
                line += "\n  warning: \(message.dataPath ?? "body"): \(message.message)"
            }
            return line
        }
    }

    /// Substitutes each template's placeholders and sends it (or, on a dry run, only says what it would send).
    /// A failed dashboard does not stop the others.
    package func publish(_ templates: [DashboardTemplate], dryRun: Bool) async -> [Result] {
        var results: [Result] = []
        for template in templates {
            let name = template.dashboardName(environment: environment)
            let body = template.body(namespace: namespace, region: region, environment: environment)
            var result = Result(
                file: template.file, dashboardName: name, bodySize: body.utf8.count, validationMessages: [],
                error: nil, isDryRun: dryRun)
            if !dryRun {
                do {
                    result.validationMessages = try await cloudWatch.putDashboard(name: name, body: body)
                    logger.info("dashboard published", metadata: ["dashboard.name": "\(name)"])
                } catch {
                    result.error = error
                    logger.error(
                        "dashboard not published",
                        metadata: [
                            "dashboard.name": "\(name)",
                            "error": "\("\(error)".split(whereSeparator: \.isNewline).joined(separator: " "))",
                        ])
                }
            }
            results.append(result)
        }
        return results
    }
}
