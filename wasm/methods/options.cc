#include "options.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace convscope {
namespace {

// A number for a message, close to how JavaScript shows it: -1, 0.5, 9007199254740991, 1e+300.
std::string NumberText(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  char text[32];
  std::snprintf(text, sizeof text, "%.16g", d);
  return text;
}

bool InRange(const OptionSpec& spec, double d) { return d >= spec.min && d <= spec.max; }

// `value` as a valid value of `spec`, or false.
bool Valid(const OptionSpec& spec, const OptionValue& value) {
  switch (spec.type) {
    case OptionType::kInteger: {
      const double* d = std::get_if<double>(&value);
      return d != nullptr && std::floor(*d) == *d && InRange(spec, *d);
    }
    case OptionType::kNumber: {
      const double* d = std::get_if<double>(&value);
      return d != nullptr && std::isfinite(*d) && InRange(spec, *d);
    }
    case OptionType::kBoolean:
      return std::holds_alternative<bool>(value);
    case OptionType::kChoice: {
      const std::string* s = std::get_if<std::string>(&value);
      if (s == nullptr) return false;
      for (const char* c : spec.choices) {
        if (*s == c) return true;
      }
      return false;
    }
  }
  return false;
}

OptionValue DefaultOf(const OptionSpec& spec) {
  switch (spec.type) {
    case OptionType::kBoolean:
      return spec.default_bool;
    case OptionType::kChoice:
      return std::string(spec.choices.front());
    default:
      return spec.default_number;
  }
}

}  // namespace

OptionSpec IntegerOption(const char* name, double default_value, double min, double max,
                         const char* unit, const char* help) {
  OptionSpec s{.name = name, .type = OptionType::kInteger, .help = help, .unit = unit};
  s.default_number = default_value;
  s.min = min;
  s.max = max;
  return s;
}

OptionSpec NumberOption(const char* name, double default_value, double min, double max,
                        const char* unit, const char* help) {
  OptionSpec s = IntegerOption(name, default_value, min, max, unit, help);
  s.type = OptionType::kNumber;
  return s;
}

OptionSpec BooleanOption(const char* name, bool default_value, const char* help) {
  OptionSpec s{.name = name, .type = OptionType::kBoolean, .help = help};
  s.default_bool = default_value;
  return s;
}

OptionSpec ChoiceOption(const char* name, std::vector<const char*> choices, const char* help) {
  OptionSpec s{.name = name, .type = OptionType::kChoice, .help = help};
  s.choices = std::move(choices);
  return s;
}

std::string ExpectedOf(const OptionSpec& spec) {
  switch (spec.type) {
    case OptionType::kInteger:
      return "an integer from " + NumberText(spec.min) + " to " + NumberText(spec.max);
    case OptionType::kNumber:
      return "a number from " + NumberText(spec.min) + " to " + NumberText(spec.max);
    case OptionType::kBoolean:
      return "true or false";
    case OptionType::kChoice:
      return OneOf(spec.choices);
  }
  return "";
}

std::string ShownValue(const OptionValue& value) {
  if (const double* d = std::get_if<double>(&value)) return "number " + NumberText(*d);
  if (const bool* b = std::get_if<bool>(&value)) return *b ? "boolean true" : "boolean false";
  constexpr size_t kShown = 40;  // enough to recognize a typo, not a pasted file
  const std::string& text = std::get<std::string>(value);
  return "string '" + (text.size() > kShown ? text.substr(0, kShown) + "…" : text) + "'";
}

const OptionSpec* FindOption(std::span<const OptionSpec> specs, const std::string& name) {
  for (const OptionSpec& s : specs) {
    if (name == s.name) return &s;
  }
  return nullptr;
}

Status MethodOptions::Check(std::span<const OptionSpec> specs, const OptionMap& given,
                            MethodOptions* out) {
  out->values_.clear();
  for (const OptionSpec& spec : specs) {
    const auto it = given.find(spec.name);
    if (it == given.end()) {
      out->values_[spec.name] = DefaultOf(spec);
      continue;
    }
    if (!Valid(spec, it->second)) {
      // A string that is not one of the choices is shown as itself: the type was right.
      const std::string* s = std::get_if<std::string>(&it->second);
      const std::string shown = spec.type == OptionType::kChoice && s != nullptr
                                    ? "'" + *s + "'"
                                    : ShownValue(it->second);
      return Status::Error(std::string(spec.name) + " must be " + ExpectedOf(spec) + ", got " +
                           shown);
    }
    out->values_[spec.name] = it->second;
  }
  return Status::Ok();
}

const OptionValue& MethodOptions::At(const std::string& name) const {
  const auto it = values_.find(name);
  if (it == values_.end()) {
    std::fprintf(stderr, "convscope: a method read the undeclared option '%s'\n", name.c_str());
    std::abort();
  }
  return it->second;
}

size_t MethodOptions::Integer(const std::string& name) const {
  return static_cast<size_t>(std::get<double>(At(name)));
}
double MethodOptions::Number(const std::string& name) const { return std::get<double>(At(name)); }
bool MethodOptions::Boolean(const std::string& name) const { return std::get<bool>(At(name)); }
const std::string& MethodOptions::Choice(const std::string& name) const {
  return std::get<std::string>(At(name));
}

}  // namespace convscope
