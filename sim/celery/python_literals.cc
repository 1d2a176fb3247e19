#include "sim/celery/python_literals.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace warren::celery {
namespace {

// Python's repr(float) (json.dumps writes the same): the shortest text
// that reads back, always with a '.' or an exponent; inf and nan as
// json.dumps writes them (Infinity, NaN), or repr's inf / nan.
void AppendFloat(double d, bool json, std::string& out) {
  if (std::isnan(d)) {
    out += json ? "NaN" : "nan";
    return;
  }
  if (std::isinf(d)) {
    out += d < 0 ? "-" : "";
    out += json ? "Infinity" : "inf";
    return;
  }
  char buf[64];
  // Python switches to exponent notation below 1e-4 and from 1e16.
  double a = std::fabs(d);
  bool sci = a != 0 && (a < 1e-4 || a >= 1e16);
  std::to_chars_result r = sci ? std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific)
                               : std::to_chars(buf, buf + sizeof buf, d, std::chars_format::fixed);
  std::string text(buf, r.ptr);
  if (sci) {
    // C++ writes 1e+16 / 1e-05; Python writes 1e+16 / 1e-05 too.
    out += text;
    return;
  }
  if (text.find('.') == std::string::npos) text += ".0";
  out += text;
}

void AppendJsonString(const std::string& s, std::string& out) {
  out += '"';
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
      ++i;
    } else if (c == '\n') {
      out += "\\n", ++i;
    } else if (c == '\r') {
      out += "\\r", ++i;
    } else if (c == '\t') {
      out += "\\t", ++i;
    } else if (c == '\b') {
      out += "\\b", ++i;
    } else if (c == '\f') {
      out += "\\f", ++i;
    } else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf, ++i;
    } else if (c < 0x80) {
      out += static_cast<char>(c), ++i;
    } else {
      // ensure_ascii: the code point as \uXXXX (a surrogate pair above
      // U+FFFF). Invalid UTF-8 bytes become U+FFFD.
      uint32_t cp = 0xfffd;
      size_t len = 1;
      if ((c & 0xe0) == 0xc0 && i + 1 < s.size()) {
        cp = ((c & 0x1f) << 6) | (s[i + 1] & 0x3f), len = 2;
      } else if ((c & 0xf0) == 0xe0 && i + 2 < s.size()) {
        cp = ((c & 0x0f) << 12) | ((s[i + 1] & 0x3f) << 6) | (s[i + 2] & 0x3f), len = 3;
      } else if ((c & 0xf8) == 0xf0 && i + 3 < s.size()) {
        cp = ((c & 0x07) << 18) | ((s[i + 1] & 0x3f) << 12) | ((s[i + 2] & 0x3f) << 6) |
             (s[i + 3] & 0x3f);
        len = 4;
      }
      char buf[16];
      if (cp > 0xffff) {
        cp -= 0x10000;
        std::snprintf(buf, sizeof buf, "\\u%04x\\u%04x", 0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
      } else {
        std::snprintf(buf, sizeof buf, "\\u%04x", cp);
      }
      out += buf;
      i += len;
    }
  }
  out += '"';
}

// Celery's saferepr of a str: always single quotes, only ' escaped (as
// \'); backslashes, newlines and other bytes stay as they are (unlike
// repr(); probed: saferepr(("it's", "a\nb")) == "('it\\'s', 'a<newline>b')").
void AppendReprString(const std::string& s, std::string& out) {
  out += '\'';
  for (char c : s) {
    if (c == '\'') out += '\\';
    out += c;
  }
  out += '\'';
}

void Append(const FieldValue& v, bool json, std::string& out) {
  switch (v.type()) {
    case FieldType::kVoid: out += json ? "null" : "None"; return;
    case FieldType::kBool: out += v.as_bool() ? (json ? "true" : "True") : (json ? "false" : "False"); return;
    case FieldType::kFloat:
    case FieldType::kDouble: AppendFloat(v.as_double(), json, out); return;
    case FieldType::kDecimal: {
      double d = v.decimal_value() / std::pow(10.0, v.decimal_scale());
      AppendFloat(d, json, out);
      return;
    }
    case FieldType::kLongString:
    case FieldType::kBinary:
      json ? AppendJsonString(v.as_string(), out) : AppendReprString(v.as_string(), out);
      return;
    case FieldType::kArray: {
      out += '[';
      bool first = true;
      for (const FieldValue& e : v.as_array()) {
        if (!first) out += ", ";
        first = false;
        Append(e, json, out);
      }
      out += ']';
      return;
    }
    case FieldType::kTable: {
      out += '{';
      bool first = true;
      for (const auto& [key, value] : v.as_table()) {
        if (!first) out += ", ";
        first = false;
        json ? AppendJsonString(key, out) : AppendReprString(key, out);
        out += ": ";
        Append(value, json, out);
      }
      out += '}';
      return;
    }
    default: out += std::to_string(v.as_int()); return;  // integers, timestamps
  }
}

}  // namespace

void AppendJson(const FieldValue& value, std::string& out) { Append(value, true, out); }
void AppendRepr(const FieldValue& value, std::string& out) { Append(value, false, out); }

std::string TaskBody(const std::vector<FieldValue>& args, const FieldTable& kwargs) {
  std::string out = "[[";
  for (size_t i = 0; i < args.size(); ++i) {
    if (i > 0) out += ", ";
    AppendJson(args[i], out);
  }
  out += "], ";
  Append(FieldValue::Table(kwargs), true, out);
  out += ", {\"callbacks\": null, \"errbacks\": null, \"chain\": null, \"chord\": null}]";
  return out;
}

std::string ArgsRepr(const std::vector<FieldValue>& args, bool tuple) {
  std::string out = tuple ? "(" : "[";
  for (size_t i = 0; i < args.size(); ++i) {
    if (i > 0) out += ", ";
    AppendRepr(args[i], out);
  }
  if (tuple && args.size() == 1) out += ',';
  out += tuple ? ')' : ']';
  return out;
}

std::string KwargsRepr(const FieldTable& kwargs) {
  std::string out;
  AppendRepr(FieldValue::Table(kwargs), out);
  return out;
}

}  // namespace warren::celery
