import Foundation
import Testing
import TransferWatchAgent
import TransferWatchWorkflows

/// The status page's HTML, on values: escaping, content, the no-server and no-status cases.
@Suite struct StatusPageTests {
    @Test func escapesEveryHTMLMetacharacter() {
        #expect(
            HTMLEscaping.escape(#"<a href="x" onclick='y'>&</a>"#)
                == "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;")
        #expect(HTMLEscaping.escape("tab\tok\u{0}nul\u{1B}esc") == "tab\tok\u{FFFD}nul\u{FFFD}esc")
        #expect(HTMLEscaping.escape("élodie") == "élodie")
    }

    @Test func userDataNeverBecomesMarkup() {
        let html = StatusPage(status: StatusFixtures.status(), recentCopies: StatusFixtures.copies).render()
        #expect(!html.contains("<img"))
        #expect(!html.contains("onerror=\""))
        #expect(html.contains("<li>&lt;img src=x onerror=&quot;document.title=&#39;pwned&#39;&quot;&gt;</li>"))
        #expect(!html.contains("<script"), "the page needs no script")
    }

    @Test func showsProgressAlertsMissingServerAndCopies() {
        let html = StatusPage(
            status: StatusFixtures.status(), recentCopies: StatusFixtures.copies, environment: "prod"
        ).render()
        #expect(html.contains("<title>1 FIRING · TransferWatch · prod · 2026-11: 8/12 delivered</title>"))
        #expect(html.contains(#"role="progressbar" aria-valuemin="0" aria-valuemax="12" aria-valuenow="8""#))
        #expect(html.contains(#"<div class="fill" style="width: 66%"></div>"#))
        #expect(html.contains(#"<p class="banner firing" role="alert">⚠ 1 alert firing: stalled-counter</p>"#))
        #expect(
            html.contains(
                #"<tr class="alert-silenced"><td><span class="pill">silenced</span></td><td>unknown-uploader</td>"#))
        #expect(html.contains("Missing employees (4)"))
        #expect(html.contains("<li>dave</li>"))
        #expect(html.contains("<tr><th scope=\"row\">Age</th><td>1d 9h</td></tr>"))
        #expect(html.contains("<td>$10.20</td>"))
        #expect(html.contains("<td>AccessDenied</td>"))
        #expect(html.contains("<td class=\"nowrap\">242.3 KiB</td>"))
        #expect(html.contains("<td class=\"nowrap\">412 ms</td>"))
        #expect(
            html.contains(
                "Last delivery <time datetime=\"2026-11-29T08:12:00Z\">2026-11-29 08:12 UTC</time> (1h 48m ago)"))
        // Firing alerts come before silenced ones whatever the input order.
        let firing = html.range(of: "alert-firing")!.lowerBound
        let silenced = html.range(of: "alert-silenced")!.lowerBound
        #expect(firing < silenced)
    }

    @Test func worksWithoutAServerAndWithoutAlerts() {
        var status = StatusFixtures.status(server: false)
        status.alerts = []
        status.counter = PipelineStatus.Counter(delivered: 0, expected: 0, missing: [], lastDeliveryAt: nil)
        let html = StatusPage(status: status, recentCopies: []).render()
        #expect(html.contains("No server: none is provisioned for this window."))
        #expect(html.contains(#"<p class="banner ok" role="status">✓ All clear: no alerts firing</p>"#))
        #expect(html.contains("No delivery yet in this window."))
        #expect(html.contains("No copies yet."))
        #expect(html.contains(#"style="width: 0%""#))
    }

    @Test func saysSoBeforeTheFirstReading() {
        let html = StatusPage(status: nil, recentCopies: []).render()
        #expect(html.contains("Status not available yet"))
        #expect(html.hasSuffix("</html>\n"))
    }
}
