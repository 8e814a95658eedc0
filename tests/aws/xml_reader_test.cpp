#include "aws/xml_reader.h"

#include <gtest/gtest.h>

namespace taupage {
namespace {

TEST(XmlReader, ReadsElementsTextAndEntities) {
  auto root = parse_xml(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ns:Response xmlns:ns=\"x\"><Errors><Error><Code>A&amp;B</Code>"
      "<Message>x &lt; y &#233; &#x263A;<![CDATA[<raw>]]></Message></Error></Errors><!-- c --><Empty/></ns:Response>");
  ASSERT_TRUE(root) << root.error().message();
  EXPECT_EQ(root->name, "Response");
  const XmlElement* error = root->find("Error");
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(error->child_text("Code"), "A&B");
  EXPECT_EQ(error->child_text("Message"), "x < y \xC3\xA9 \xE2\x98\xBA<raw>");
  ASSERT_NE(root->child("Empty"), nullptr);
  EXPECT_EQ(root->child_text("Missing"), "");
}

TEST(XmlReader, RefusesBrokenDocuments) {
  for (const char* bad : {"", "<a>", "<a></b>", "<a>&bogus;</a>", "<a><b></a>", "text", "<a/>trailing", "<!DOCTYPE a><a/>", "<a x=1/>",
                          "<a>&#0;</a>", "<a>&#x110000;</a>", "<a", "<a>&amp</a>"}) {
    EXPECT_FALSE(parse_xml(bad)) << bad;
  }
}

TEST(XmlReader, EnforcesLimits) {
  std::string deep;
  for (int i = 0; i < 40; ++i) deep += "<a>";
  for (int i = 0; i < 40; ++i) deep += "</a>";
  auto r = parse_xml(deep);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("deeply"), std::string::npos);
  std::string many = "<r>";
  for (int i = 0; i < 20; ++i) many += "<i/>";
  many += "</r>";
  EXPECT_FALSE(parse_xml(many, XmlLimits{1 << 20, 8, 10}));
  EXPECT_FALSE(parse_xml(many, XmlLimits{16, 8, 1000}));
}

}  // namespace
}  // namespace taupage
