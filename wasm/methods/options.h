// The options a method takes, described once (name, type, default, range, unit, help): the bindings
// parse a caller's options from these descriptions, the catalog (catalog.h) hands them to the page,
// the widget and the CLI, and a method reads only values that were checked against them.
#pragma once

#include <cstddef>
#include <map>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "base/names.h"
#include "base/status.h"

namespace convscope {

enum class OptionType { kInteger, kNumber, kBoolean, kChoice };

struct OptionSpec {
  const char* name = "";
  OptionType type = OptionType::kNumber;
  const char* help = "";
  const char* unit = "";      // "pixels", "" when the value has none
  double default_number = 0;  // integers and numbers
  double min = 0, max = 0;    // integers and numbers, inclusive (finite: every option is bounded)
  bool default_bool = false;
  std::vector<const char*> choices;  // kChoice: the values, the first the default
};

OptionSpec IntegerOption(const char* name, double default_value, double min, double max,
                         const char* unit, const char* help);
OptionSpec NumberOption(const char* name, double default_value, double min, double max,
                        const char* unit, const char* help);
OptionSpec BooleanOption(const char* name, bool default_value, const char* help);
OptionSpec ChoiceOption(const char* name, std::vector<const char*> choices, const char* help);

// A value as the caller gave it: a number, a boolean or a string (JavaScript's primitive types).
using OptionValue = std::variant<double, bool, std::string>;
using OptionMap = std::map<std::string, OptionValue>;

// What a valid value of `spec` is, for messages: "an integer from 1 to 1000", "true or false",
// "'black' or 'blur'".
std::string ExpectedOf(const OptionSpec& spec);
// A value for messages: "number 0", "boolean true", "string 'yes'" (long strings cut short).
std::string ShownValue(const OptionValue& value);

const OptionSpec* FindOption(std::span<const OptionSpec> specs, const std::string& name);

// A method's options, every one checked and present (defaults filled in).
class MethodOptions {
 public:
  // The values of `given` for the options in `specs` (others are not this method's: ignored),
  // the defaults for the rest; an error naming the option, what it takes and the value given.
  static Status Check(std::span<const OptionSpec> specs, const OptionMap& given,
                      MethodOptions* out);

  // The value of a declared option (a method asking for one it did not declare is a bug: abort).
  size_t Integer(const std::string& name) const;
  double Number(const std::string& name) const;
  bool Boolean(const std::string& name) const;
  const std::string& Choice(const std::string& name) const;

 private:
  const OptionValue& At(const std::string& name) const;
  OptionMap values_;
};

}  // namespace convscope
