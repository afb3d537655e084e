#include "catalog.h"

#include "engine/conv2d.h"
#include "figures/colormap.h"
#include "figures/grids.h"
#include "images/image.h"
#include "layers/layer_category.h"
#include "layers/layer_kind.h"
#include "methods/activation_maximization.h"
#include "methods/registry.h"
#include "metrics/metric_info.h"
#include "model/model_header.h"

namespace convscope {
namespace {

const char* TypeName(OptionType t) {
  switch (t) {
    case OptionType::kInteger:
      return "integer";
    case OptionType::kNumber:
      return "number";
    case OptionType::kBoolean:
      return "boolean";
    case OptionType::kChoice:
      return "choice";
  }
  return "";
}

Json OptionJson(const OptionSpec& o) {
  Json j = {{"name", o.name}, {"type", TypeName(o.type)}, {"help", o.help}, {"unit", o.unit}};
  switch (o.type) {
    case OptionType::kInteger:
    case OptionType::kNumber:
      j["default"] = o.default_number;
      j["min"] = o.min;
      j["max"] = o.max;
      break;
    case OptionType::kBoolean:
      j["default"] = o.default_bool;
      break;
    case OptionType::kChoice:
      j["default"] = o.choices.front();
      j["choices"] = o.choices;
      break;
  }
  return j;
}

Json OptionsJson(std::span<const OptionSpec> specs) {
  Json options = Json::array();
  for (const OptionSpec& o : specs) options.push_back(OptionJson(o));
  return options;
}

template <size_t N>
Json Names(const std::array<const char*, N>& names) {
  return Json(std::vector<std::string>(names.begin(), names.end()));
}

// The layer kinds for the front ends, Netron-style: what each is, which Keras classes it reads, and
// what the views can do with its layers.
Json LayerKinds() {
  Json kinds = Json::array();
  for (const LayerKindOps* k : AllKinds()) {
    kinds.push_back({{"name", k->keras_classes.front()},
                     {"kerasClasses",
                      std::vector<std::string>(k->keras_classes.begin(), k->keras_classes.end())},
                     {"category", k->category},
                     {"description", k->description},
                     {"hasFilters", k->has_filters},
                     {"hasActivation", k->has_activation},
                     {"hasWeights", k->weights != nullptr}});
  }
  return kinds;
}

// The categories the kinds belong to, with the colour and the legend text the views give each.
Json LayerCategories() {
  Json categories = Json::array();
  for (const LayerCategoryInfo& c : kLayerCategories) {
    categories.push_back({{"name", c.name}, {"color", c.color}, {"legend", c.legend}});
  }
  return categories;
}

}  // namespace

Json Catalog() {
  Json methods = Json::array();
  for (const MethodInfo& m : Methods()) {
    methods.push_back({{"name", m.name},
                       {"label", m.label},
                       {"help", m.help},
                       {"value", m.value},
                       {"scale", kMapScaleNames[static_cast<size_t>(m.scale)]},
                       {"needsLayer", m.needs_layer},
                       {"rerunsForward", m.reruns_forward},
                       {"usesGradients", m.uses_gradients},
                       {"splits", m.combine != nullptr},
                       {"options", OptionsJson(m.options)}});
  }
  Json metrics = Json::array();
  for (const MetricInfo& m : Metrics()) {
    metrics.push_back({{"name", m.name},
                       {"label", m.label},
                       {"help", m.help},
                       {"score", m.score},
                       {"lowerIsBetter", m.lower_is_better},
                       {"x", m.x},
                       {"options", OptionsJson(m.options)}});
  }
  return {{"methods", methods},
          {"metrics", metrics},
          {"maximize", {{"options", OptionsJson(MaximizeOptionSpecs())}}},
          {"layerKinds", LayerKinds()},
          {"layerCategories", LayerCategories()},
          {"activations", Names(kKerasActivationNames)},
          {"enums",
           {{"precision", Names(kPrecisionNames)},
            {"resize", Names(kResizeModeNames)},
            {"colormap", Names(kColormapNames)},
            {"mapScale", Names(kMapScaleNames)},
            {"normalize", Names(kNormalizationNames)},
            {"preprocessing", Names(kPreprocessingModes)},
            {"channelOrder", Names(kChannelOrders)},
            {"head", Names(kHeadKindNames)}}}};
}

}  // namespace convscope
