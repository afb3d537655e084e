#include "keras_model_config.h"

#include <algorithm>
#include <map>

#include "keras_refusals.h"
#include "nested_models.h"

namespace convscope::convert {
namespace {

// Names of the layers feeding a Functional layer, in Keras 2 ([[["input_1", 0, 0, {}]]]) or
// Keras 3 ({"args": [{"config": {"keras_history": ["input_layer", 0, 0]}}]}) form.
void CollectInbound(const Json& j, std::vector<std::string>* names) {
  if (j.is_object()) {
    if (const Json* h = Find(j, "keras_history");
        h && h->is_array() && !h->empty() && (*h)[0].is_string()) {
      names->push_back((*h)[0].get<std::string>());
      return;
    }
    for (const auto& [key, value] : j.items()) CollectInbound(value, names);
  } else if (j.is_array()) {
    if (!j.empty() && j[0].is_string() && j.size() >= 3 && j[1].is_number()) {
      names->push_back(j[0].get<std::string>());  // Keras 2: [name, node_index, tensor_index, kw]
      return;
    }
    for (const Json& e : j) CollectInbound(e, names);
  }
}

// The names in Keras' input_layers / output_layers: [[name, 0, 0], ...] (or one [name, 0, 0]).
std::vector<std::string> EndpointNames(const Json* list) {
  std::vector<std::string> names;
  if (list == nullptr || !list->is_array()) return names;
  if (!list->empty() && (*list)[0].is_string()) return {(*list)[0].get<std::string>()};
  for (const Json& e : *list) {
    if (e.is_array() && !e.empty() && e[0].is_string()) names.push_back(e[0].get<std::string>());
  }
  return names;
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string s;
  for (const std::string& n : names) s += (s.empty() ? "" : ", ") + n;
  return s;
}

// A Keras 3 layer's build_config input shape, or Keras 2's batch_input_shape / Keras 3's
// batch_shape on a Sequential's first layer: where a model with no InputLayer entry says its input.
const Json* DeclaredInputShape(const Json& entry, const Json& config) {
  for (const char* key : {"batch_input_shape", "batch_shape"}) {
    if (const Json* s = Find(config, key)) return s;
  }
  if (const Json* build = Find(entry, "build_config")) return Find(*build, "input_shape");
  return nullptr;
}

// A free (None) height or width gets the chosen size; `a` says which and how.
Status FixInputShape(const Json& shape, const ConfigOptions& o, Json* fixed, Architecture* a) {
  *fixed = shape;
  if (!shape.is_array() || (shape.size() != 4 && shape.size() != 3)) return Status::Ok();
  for (size_t d = 1; d <= 2; ++d) {
    if ((*fixed)[d].is_null()) {
      (*fixed)[d] = d == 1 ? o.free_height : o.free_width;
      a->free_axes[d - 1] = true;
    }
  }
  const auto size = [](const Json& d) { return AsSize(d) ? std::to_string(*AsSize(d)) : "?"; };
  if (a->free_axes[0] || a->free_axes[1]) {
    const char* which = a->free_axes[0] && a->free_axes[1] ? "height and width"
                        : a->free_axes[0]                  ? "height"
                                                           : "width";
    a->input_size_note = std::string("the model takes pictures of any ") + which +
                         "; convscope runs it at " + size((*fixed)[1]) + " x " + size((*fixed)[2]) +
                         " (--input-size sets another)";
  }
  return Status::Ok();
}

struct Entry {
  std::string class_name, name;
  const Json* json;
  const Json* config;
};

Status ReadEntries(const Json& layers, std::vector<Entry>* out) {
  for (size_t i = 0; i < layers.size(); ++i) {
    const Json& jl = layers[i];
    Entry e{"", "", &jl, Find(jl, "config")};
    const std::string path = "model_config.layers[" + std::to_string(i) + "]";
    CONVSCOPE_RETURN_IF_ERROR(ReadString(jl, "class_name", path, &e.class_name));
    if (e.config == nullptr || !e.config->is_object()) {
      return Status::Error(path + " (" + e.class_name + ") has no config");
    }
    if (const Json* n = Find(*e.config, "name"); n != nullptr && n->is_string()) {
      e.name = n->get<std::string>();
    } else if (const Json* m = Find(jl, "name"); m != nullptr && m->is_string()) {
      e.name = m->get<std::string>();
    } else {
      return Status::Error(path + " (" + e.class_name + ") has no name");
    }
    if (const std::string why = RefusalReason(e.class_name, jl); !why.empty()) {
      return Status::Error("layer " + e.name + " (" + e.class_name + ") " + why + "; " +
                           kWhatConvscopeOpens);
    }
    out->push_back(e);
  }
  return Status::Ok();
}

// Where the sort is stuck every layer left waits for another one left: following the first such
// input from any of them must come back to a layer already seen. Names the cycle, not all the
// layers that wait behind it.
Status CycleError(const std::vector<Entry>& entries, const std::vector<std::vector<size_t>>& from,
                  const std::vector<bool>& done) {
  size_t at = static_cast<size_t>(std::find(done.begin(), done.end(), false) - done.begin());
  std::vector<size_t> path;
  while (std::find(path.begin(), path.end(), at) == path.end()) {
    path.push_back(at);
    at = *std::find_if(from[at].begin(), from[at].end(), [&](size_t f) { return !done[f]; });
  }
  // `path` follows inputs back; the message follows the data, each layer feeding the next.
  std::string cycle = entries[at].name;
  for (auto it = path.rbegin(); *it != at; ++it) cycle += " -> " + entries[*it].name;
  return Status::Error("the model's layers form a cycle: " + cycle + " -> " + entries[at].name);
}

// Layer::inputs of a Functional's layers from their inbound nodes; execution order by a stable
// topological sort (Keras writes layers by depth from the output, which need not be one).
Status LinkFunctional(const std::vector<Entry>& entries, std::vector<Layer>* layers) {
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < entries.size(); ++i) {
    if (!index.emplace(entries[i].name, i).second) {
      return Status::Error("two layers are named " + entries[i].name);
    }
  }
  std::vector<std::vector<size_t>> from(entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    if (entries[i].class_name == "InputLayer") continue;
    const Json* nodes = Find(*entries[i].json, "inbound_nodes");
    if (nodes != nullptr && nodes->is_array() && nodes->size() > 1) {
      return Status::Error("layer " + entries[i].name + " (" + entries[i].class_name +
                           ") is used " + std::to_string(nodes->size()) +
                           " times (a shared layer); " + kWhatConvscopeOpens);
    }
    std::vector<std::string> names;
    if (nodes != nullptr) CollectInbound(*nodes, &names);
    if (names.empty()) {
      return Status::Error("layer " + entries[i].name + " (" + entries[i].class_name +
                           ") reads no layer: the model's config is damaged");
    }
    for (const std::string& name : names) {
      const auto it = index.find(name);
      if (it == index.end()) {
        return Status::Error("layer " + entries[i].name + " reads " + name +
                             ", which the model does not have");
      }
      from[i].push_back(it->second);
    }
  }
  // Kahn's algorithm, always taking the first ready layer in the file's order.
  std::vector<size_t> order;
  std::vector<bool> done(entries.size(), false);
  for (size_t n = 0; n < entries.size(); ++n) {
    size_t next = entries.size();
    for (size_t i = 0; i < entries.size() && next == entries.size(); ++i) {
      if (!done[i] &&
          std::all_of(from[i].begin(), from[i].end(), [&](size_t f) { return done[f]; })) {
        next = i;
      }
    }
    if (next == entries.size()) return CycleError(entries, from, done);
    done[next] = true;
    order.push_back(next);
  }
  std::vector<size_t> position(entries.size());
  for (size_t k = 0; k < order.size(); ++k) position[order[k]] = k;
  std::vector<Layer> sorted;
  for (size_t k = 0; k < order.size(); ++k) {
    Layer l = (*layers)[order[k]];
    l.inputs.clear();
    for (size_t f : from[order[k]]) l.inputs.push_back(position[f]);
    sorted.push_back(std::move(l));
  }
  *layers = std::move(sorted);
  return Status::Ok();
}

// The model's output (Keras' output_layers) goes last, where the engine looks for the class
// scores; the sort puts it there unless another layer reads nothing either, which InferShapes
// then names ("leads nowhere").
Status PutOutputLast(const std::vector<std::string>& outputs, std::vector<Layer>* layers) {
  if (outputs.empty() || outputs.front() == layers->back().name) return Status::Ok();
  const auto output = std::find_if(layers->begin(), layers->end(),
                                   [&](const Layer& l) { return l.name == outputs.front(); });
  if (output == layers->end()) {
    return Status::Error("the model's output is layer " + outputs.front() +
                         ", which the model does not have");
  }
  const size_t index = static_cast<size_t>(output - layers->begin());
  for (const Layer& l : *layers) {
    if (std::find(l.inputs.begin(), l.inputs.end(), index) != l.inputs.end()) {
      return Status::Error("the model's output, layer " + outputs.front() + ", feeds layer " +
                           l.name + ": the config is damaged");
    }
  }
  std::rotate(output, output + 1, layers->end());
  for (Layer& l : *layers) {
    for (size_t& from : l.inputs) from = from == index ? layers->size() - 1 : from - (from > index);
  }
  return Status::Ok();
}

// A height x width input (no channel axis) is a grayscale picture to convscope, which holds
// pictures as height x width x channels: only a Flatten or Reshape may read it, where the two agree
// (a layer of the last axis would mean the columns to Keras and the channel here).
Status CheckPlainInput(const std::vector<Layer>& layers) {
  const Layer& input = layers.front();
  if (input.declared_shape.size() != 2) return Status::Ok();
  for (const Layer& l : layers) {
    if (std::find(l.inputs.begin(), l.inputs.end(), size_t{0}) == l.inputs.end()) continue;
    if (l.kind != LayerKind::kFlatten && l.kind != LayerKind::kReshape) {
      return Status::Error("layer " + l.name + " (" + l.keras_class + ") reads the input " +
                           ShapeString(input.declared_shape) +
                           " directly: convscope holds pictures as height x width x channels; "
                           "declare the input with its channel, e.g. Input((28, 28, 1))");
    }
  }
  return Status::Ok();
}

}  // namespace

KerasDialect DialectOf(const std::string& keras_version) {
  return keras_version.rfind("2.", 0) == 0 || keras_version.rfind("1.", 0) == 0
             ? KerasDialect::kKeras2
             : KerasDialect::kKeras3;
}

namespace {

bool IsModelClass(const std::string& c) {
  return c == "Sequential" || c == "Functional" || c == "Model";
}

// Models inside models inside models: deeper than any transfer-learning notebook goes.
constexpr int kMaxNesting = 4;

Status ArchitectureFromJson(const Json& j, const ConfigOptions& o, int depth, Architecture* out) {
  std::string class_name;
  CONVSCOPE_RETURN_IF_ERROR(ReadString(j, "class_name", "model_config", &class_name));
  const Json* config = Find(j, "config");
  // Keras 2.0-2.1 wrote a Sequential config as the bare list of layers.
  const Json* layers = config == nullptr    ? nullptr
                       : config->is_array() ? config
                                            : Find(*config, "layers");
  if (class_name != "Sequential" && class_name != "Functional" && class_name != "Model") {
    return Status::Error("the model is a " + class_name +
                         " (a subclassed model: its code is not "
                         "in the file); " +
                         kWhatConvscopeOpens);
  }
  if (layers == nullptr || !layers->is_array() || layers->empty()) {
    return Status::Error("the model's config has no layer list");
  }
  const bool sequential = class_name == "Sequential";
  Architecture a;
  a.name = "model";
  if (const Json* n = Find(*config, "name"); n != nullptr && n->is_string()) {
    a.name = n->get<std::string>();
  }
  a.model_class = sequential ? "Sequential" : "Functional";
  a.origin = "model_config (" + a.model_class + ")";
  if (!sequential) {
    // How many inputs and outputs first: a model of two inputs fails there, not at its merge.
    for (const char* key : {"input_layers", "output_layers"}) {
      const std::vector<std::string> names = EndpointNames(Find(*config, key));
      if (names.size() > 1) {
        return Status::Error("the model has " + std::to_string(names.size()) +
                             (key[0] == 'i' ? " inputs (" : " outputs (") + JoinNames(names) +
                             "); " + kWhatConvscopeOpens);
      }
    }
  }
  std::vector<Entry> entries;
  CONVSCOPE_RETURN_IF_ERROR(ReadEntries(*layers, &entries));

  std::map<std::string, Architecture> nested;  // by its placeholder's name
  for (const Entry& e : entries) {
    if (IsModelClass(e.class_name)) {
      if (depth >= kMaxNesting) {
        return Status::Error("model " + e.name + " is nested more than " +
                             std::to_string(kMaxNesting) + " models deep");
      }
      Architecture inner;
      if (Status s = ArchitectureFromJson(*e.json, o, depth + 1, &inner); !s.ok()) {
        return Status::Error("in model " + e.name + ": " + s.message());
      }
      if (sequential && a.layers.empty()) {  // a Sequential starting with a model: its input
        a.layers.push_back(inner.layers.front());
        a.layers.back().name = e.name + "_input";
      }
      Layer placeholder;  // an identity with the model's name, while the outer layers link
      placeholder.name = e.name;
      placeholder.kind = LayerKind::kIdentity;
      placeholder.keras_class = e.class_name;
      nested.emplace(e.name, std::move(inner));
      a.keras_layers.push_back({e.name, e.class_name, false, e.name, {}});
      a.layers.push_back(std::move(placeholder));
      continue;
    }
    Layer layer;
    Json fixed;
    const Json* c = e.config;
    if (e.class_name == "InputLayer") {
      const Json* shape =
          Find(*c, "batch_shape") ? Find(*c, "batch_shape") : Find(*c, "batch_input_shape");
      if (shape != nullptr) {
        fixed = *c;
        CONVSCOPE_RETURN_IF_ERROR(FixInputShape(
            *shape, o, &fixed[Find(*c, "batch_shape") ? "batch_shape" : "batch_input_shape"], &a));
        c = &fixed;
      }
    }
    CONVSCOPE_RETURN_IF_ERROR(LayerFromKeras(e.class_name, *c, o.dialect, &layer));
    // A Sequential carries the input shape on its first layer when it has no InputLayer entry.
    if (sequential && a.layers.empty() && e.class_name != "InputLayer") {
      const Json* shape = DeclaredInputShape(*e.json, *e.config);
      if (shape == nullptr) {
        return Status::Error(
            "the model does not say its input shape (build it, or give its "
            "first layer an input_shape, before saving)");
      }
      Json input = {{"name", e.name + "_input"}};
      CONVSCOPE_RETURN_IF_ERROR(FixInputShape(*shape, o, &input["batch_input_shape"], &a));
      Layer in;
      CONVSCOPE_RETURN_IF_ERROR(LayerFromKeras("InputLayer", input, o.dialect, &in));
      a.layers.push_back(std::move(in));
    }
    if (!sequential || e.class_name != "InputLayer")
      a.keras_layers.push_back({e.name, e.class_name, false, e.name, {}});
    a.layers.push_back(std::move(layer));
  }
  if (!sequential) {
    CONVSCOPE_RETURN_IF_ERROR(LinkFunctional(entries, &a.layers));
    CONVSCOPE_RETURN_IF_ERROR(
        PutOutputLast(EndpointNames(Find(*config, "output_layers")), &a.layers));
  }
  if (a.layers.front().kind != LayerKind::kInput) {
    return Status::Error("the model's first layer is not its input");
  }
  if (!nested.empty()) {
    for (size_t i = 1; i < a.layers.size(); ++i) {
      if (a.layers[i].inputs.empty()) a.layers[i].inputs = {i - 1};  // a Sequential's
    }
    CONVSCOPE_RETURN_IF_ERROR(SpliceNested(std::move(nested), &a.layers, &a.keras_layers));
  }
  CONVSCOPE_RETURN_IF_ERROR(InferShapes(&a.layers));
  CONVSCOPE_RETURN_IF_ERROR(CheckPlainInput(a.layers));
  MarkWeights(a.layers, &a.keras_layers);
  *out = std::move(a);
  return Status::Ok();
}

}  // namespace

Status ArchitectureFromModelConfig(const std::string& model_config, const ConfigOptions& o,
                                   Architecture* out) {
  Json j;
  CONVSCOPE_RETURN_IF_ERROR(ParseJson(model_config, "the model's config", &j));
  return ArchitectureFromJson(j, o, 0, out);
}

}  // namespace convscope::convert
