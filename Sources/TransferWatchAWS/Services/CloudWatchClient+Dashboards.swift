import Foundation

extension CloudWatchClient {
    /// A problem CloudWatch found in a dashboard body; `PutDashboard` still succeeded unless it said otherwise.
    package struct DashboardValidationMessage: Sendable, Hashable {
        /// The JSON path of the offending part of the body.
        package var dataPath: String?
        /// What is wrong.
        package var message: String
    }

    /// A dashboard and its JSON body.
    package struct Dashboard: Sendable, Hashable {
        /// The dashboard name.
        package var name: String
        /// The dashboard's ARN (no region: dashboards are global).
        package var arn: String?
        /// The body exactly as stored (a JSON document).
        package var body: String
    }

    /// A dashboard as `ListDashboards` reports it.
    package struct DashboardEntry: Sendable, Hashable {
        /// The dashboard name.
        package var name: String
        /// The dashboard's ARN (no region: dashboards are global).
        package var arn: String?
        /// When the body last changed.
        package var lastModified: Date?
        /// The body's size in bytes.
        package var size: Int64?
    }

    /// Creates or replaces a dashboard (dashboards are global, not regional).
    ///
    /// - Parameters:
    ///   - name: 1–255 characters of letters, digits, `-` and `_`.
    ///   - body: a JSON object (`{"widgets": […]}`), checked locally to parse.
    /// - Returns: CloudWatch's validation messages; empty when the body was accepted as is.
    /// - Throws: ``AWSError`` (`InvalidParameterInput` when CloudWatch rejects the body).
    @discardableResult
    package func putDashboard(name: String, body: String) async throws(AWSError) -> [DashboardValidationMessage] {
        var problems = ParameterProblems()
        Validation.checkDashboardName(name, into: &problems)
        let parsed = try? JSONSerialization.jsonObject(with: Data(body.utf8))
        problems.require(parsed is [String: Any], "DashboardBody is not a JSON object")
        try problems.check(client.service, Operations.putDashboard)
        let response = try await client.json(
            Operations.putDashboard, CloudWatchWire.PutDashboardRequest(DashboardName: name, DashboardBody: body),
            as: CloudWatchWire.PutDashboardResponse.self)
        return (response.DashboardValidationMessages ?? []).map {
            DashboardValidationMessage(dataPath: $0.DataPath, message: $0.Message ?? "")
        }
    }

    /// One dashboard with its body.
    ///
    /// - Throws: ``AWSError`` (`ResourceNotFound` when there is no such dashboard).
    package func getDashboard(name: String) async throws(AWSError) -> Dashboard {
        var problems = ParameterProblems()
        Validation.checkDashboardName(name, into: &problems)
        try problems.check(client.service, Operations.getDashboard)
        let response = try await client.json(
            Operations.getDashboard, CloudWatchWire.DashboardNameRequest(DashboardName: name),
            as: CloudWatchWire.GetDashboardResponse.self)
        return Dashboard(
            name: response.DashboardName ?? name, arn: response.DashboardArn, body: response.DashboardBody ?? "")
    }

    /// Lists dashboards (`ListDashboards`), following `NextToken` to the end.
    ///
    /// - Parameter prefix: only dashboards whose name starts with this.
    package func listDashboards(prefix: String? = nil) async throws(AWSError) -> [DashboardEntry] {
        var entries: [DashboardEntry] = []
        var token: String?
        var seen = Set<String>()
        repeat {
            let page = try await client.json(
                Operations.listDashboards,
                CloudWatchWire.ListDashboardsRequest(DashboardNamePrefix: prefix, NextToken: token),
                as: CloudWatchWire.ListDashboardsResponse.self)
            entries += (page.DashboardEntries ?? []).map {
                DashboardEntry(
                    name: $0.DashboardName ?? "", arn: $0.DashboardArn, lastModified: $0.LastModified, size: $0.Size)
            }
            token = try nextToken(page.NextToken, seen: &seen, Operations.listDashboards)
        } while token != nil
        return entries
    }

    /// Deletes dashboards, 100 per `DeleteDashboards` call; nothing is sent for an empty list.
    ///
    /// - Throws: ``AWSError`` (`ResourceNotFound` when any of a call's dashboards does not exist; then none of
    ///   that call's is deleted).
    package func deleteDashboards(names: [String]) async throws(AWSError) {
        guard !names.isEmpty else { return }
        var problems = ParameterProblems()
        for name in names { Validation.checkDashboardName(name, into: &problems) }
        try problems.check(client.service, Operations.deleteDashboards)
        for start in stride(from: 0, to: names.count, by: 100) {
            let batch = Array(names[start..<min(start + 100, names.count)])
            _ = try await client.json(
                Operations.deleteDashboards, CloudWatchWire.DeleteDashboardsRequest(DashboardNames: batch),
                as: CloudWatchWire.Empty.self)
        }
    }
}
