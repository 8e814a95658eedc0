// The log files Taupage renders for the host: the Scalyr agent's agent.json parsed back with
// util/json field by field, the Logentries agent's INI file, the rsyslog rule and the logrotate
// policy of the application log.
#include <gtest/gtest.h>

#include "host/application_log.h"
#include "host/logentries_config.h"
#include "host/scalyr_agent_config.h"
#include "util/json.h"

namespace taupage {
namespace {

TEST(ScalyrAgentConfig, RendersEveryFieldAndDropsEmptyAttributes) {
  ScalyrAgentSettings s;
  s.api_key = Secret("key-\"quoted\"\\1");
  s.server = kScalyrServerEu;
  s.server_attributes = {{"serverHost", "shop"}, {"application_id", "shop"}, {"stack", ""}, {"aws_region", "eu-west-1"}};
  s.logs = {{"/var/log/syslog", "systemLog", false}, {"/var/log/application.log", "slf4j", true}};
  std::string text = render_scalyr_agent_config(s);
  EXPECT_EQ(text.back(), '\n');
  auto parsed = parse_json(text);
  ASSERT_TRUE(parsed) << parsed.error().message();
  const Json& j = *parsed;
  EXPECT_EQ(j.get_string("api_key"), "key-\"quoted\"\\1");  // escaped in the file, the same value read back
  EXPECT_EQ(j.get_string("scalyr_server"), "https://upload.eu.scalyr.com");
  EXPECT_EQ(j.get_string("compressionType"), "bz2");
  EXPECT_EQ(j.get("max_line_size").as_int(), 49900);
  EXPECT_EQ(j.get("read_page_size").as_int(), 131072);
  EXPECT_EQ(j.get("max_log_offset_size").as_int(), 30000000);
  EXPECT_TRUE(j.get("implicit_agent_process_metrics_monitor").is_bool());
  EXPECT_FALSE(j.get("implicit_agent_process_metrics_monitor").as_bool());
  EXPECT_FALSE(j.get("implicit_metric_monitor").as_bool());
  EXPECT_TRUE(j.get("monitors").is_array());
  EXPECT_EQ(j.get("monitors").size(), 0u);

  const Json& attributes = j.get("server_attributes");
  ASSERT_EQ(attributes.size(), 3u);  // "stack" was empty: left out
  EXPECT_EQ(attributes.members()[0].first, "serverHost");
  EXPECT_EQ(attributes.get_string("application_id"), "shop");
  EXPECT_EQ(attributes.get_string("aws_region"), "eu-west-1");
  EXPECT_FALSE(attributes.has("stack"));

  const Json& logs = j.get("logs");
  ASSERT_EQ(logs.size(), 2u);
  EXPECT_EQ(logs[0].get_string("path"), "/var/log/syslog");
  EXPECT_TRUE(logs[0].get("copy_from_start").as_bool());
  EXPECT_EQ(logs[0].get("attributes").get_string("parser"), "systemLog");
  EXPECT_FALSE(logs[0].has("redaction_rules"));
  EXPECT_EQ(logs[1].get_string("path"), "/var/log/application.log");
  EXPECT_EQ(logs[1].get("attributes").get_string("parser"), "slf4j");
  ASSERT_EQ(logs[1].get("redaction_rules").size(), 1u);
  EXPECT_EQ(logs[1].get("redaction_rules")[0].get_string("replacement"), "+++JWT_TOKEN_REDACTED+++");
  EXPECT_EQ(logs[1].get("redaction_rules")[0].get_string("match_expression").rfind("eyJ", 0), 0u);
}

TEST(LogentriesConfig, KeyAndOneSectionPerLogWithItsDestination) {
  LogentriesSettings s{Secret("le-key-1"), "shop-1.0", {"/var/log/syslog", "/var/log/application.log"}};
  EXPECT_EQ(render_logentries_config(s),
            "# Written by Taupage on every boot from logentries_account_key; changes here are replaced.\n"
            "[Main]\n"
            "user-key = le-key-1\n"
            "pull-server-side-config = False\n"
            "\n[syslog]\npath = /var/log/syslog\ndestination = shop-1.0/syslog\n"
            "\n[application.log]\npath = /var/log/application.log\ndestination = shop-1.0/application.log\n");
}

TEST(ApplicationLog, TheRsyslogRuleMatchesTheTagWithAndWithoutAPidAndStops) {
  std::string rule = render_application_rsyslog_rule("docker/shop");
  EXPECT_NE(rule.find("if $syslogtag == \"docker/shop:\" or $syslogtag startswith \"docker/shop[\" then {"), std::string::npos) << rule;
  EXPECT_NE(rule.find("set $!taupage_message = ltrim($msg);"), std::string::npos) << rule;
  EXPECT_NE(rule.find("action(type=\"omfile\" file=\"/var/log/application.log\" template=\"TaupageApplicationMessage\")"),
            std::string::npos)
      << rule;
  EXPECT_NE(rule.find("string=\"%$!taupage_message%\\n\""), std::string::npos) << rule;
  EXPECT_NE(rule.find("  stop\n}"), std::string::npos) << rule;
  // A quote in a tag cannot end the string early.
  EXPECT_NE(render_application_rsyslog_rule("a\"b").find("\"a\\\"b:\""), std::string::npos);
}

TEST(ApplicationLog, TheLogrotatePolicyFollowsTheSettings) {
  std::string defaults = render_application_logrotate({"256M", "weekly", 4, true, true});
  EXPECT_NE(defaults.find("/var/log/application.log {\n    rotate 4\n    weekly\n    maxsize 256M\n    missingok\n    notifempty\n"
                          "    compress\n    delaycompress\n    sharedscripts\n"),
            std::string::npos)
      << defaults;
  EXPECT_NE(defaults.find("systemctl kill -s HUP rsyslog.service"), std::string::npos);
  std::string plain = render_application_logrotate({"10k", "daily", 0, false, true});
  EXPECT_NE(plain.find("    rotate 0\n    daily\n    maxsize 10k\n"), std::string::npos) << plain;
  EXPECT_EQ(plain.find("    compress\n"), std::string::npos) << plain;
  EXPECT_EQ(plain.find("delaycompress"), std::string::npos) << plain;
  std::string early = render_application_logrotate({"1G", "monthly", 9, true, false});
  EXPECT_NE(early.find("    compress\n    sharedscripts"), std::string::npos) << early;
}

}  // namespace
}  // namespace taupage
