// model_convert IN.keras|IN.h5 -o OUT [--precision f32|int8] [--notop] [--labels FILE]
//               [--preprocessing M] [--input-size H W] [--training-pictures FILE]
//               [--stall-seconds S]
// Converts a Keras model file into a convscope model file, printing Keras' summary, the
// preprocessing, the per-layer quantization error and the output size. Exit code 0 on success; on
// any error one line on stderr, exit code 1 (2 for a usage error), and no output file.
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "converter.h"
#include "model/model_summary.h"
#include "model_file_edit.h"
#include "stall_watchdog.h"

namespace {

using convscope::convert::ConvertOptions;

constexpr const char* kUsage =
    "usage: model_convert IN -o OUT [--precision f32|int8] [--notop] [--labels FILE]\n"
    "                     [--preprocessing rescale|raw|caffe|tf|torch] [--input-size H W]\n"
    "                     [--training-pictures FILE] [--stall-seconds S]\n"
    "  Converts a Keras model file -- a .keras archive (Keras 3, tf.keras 2.13+), a .h5 from\n"
    "  model.save, or VGG16's weights-only .h5 -- into a convscope model file. Default precision:\n"
    "  int8. --labels: one class name per line, a JSON list, or Keras' class index.\n"
    "  --preprocessing: what the model was trained on (rescale: x / 255; raw: 0-255, for a model\n"
    "  with its own Rescaling); by default inferred from the model, else rescale.\n"
    "  --input-size: the size of an input whose height and width are free (default 224 224).\n"
    "  --training-pictures: statistics of the pictures the model was trained on (JSON, see\n"
    "  docs/model-format.md), so that pictures unlike them are said to be; IN may then also be\n"
    "  a convscope model file, whose header alone is rewritten.\n"
    "  Gives up if reading the file makes no progress for S seconds (default 60): libhdf5 loops\n"
    "  forever on some damaged files.\n";

// A size from 1 to 65536 pixels.
bool ParseSide(const std::string& v, size_t* out) {
  char* end = nullptr;
  const long n = std::strtol(v.c_str(), &end, 10);
  if (v.empty() || *end != '\0' || n < 1 || n > 65536) return false;
  *out = static_cast<size_t>(n);
  return true;
}

bool ParseArgs(int argc, char** argv, ConvertOptions* o, int* stall_seconds, std::string* error) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&](std::string* dst) {
      if (i + 1 >= argc) {
        *error = a + " needs a value";
        return false;
      }
      *dst = argv[++i];
      return true;
    };
    if (a == "-o" || a == "--output") {
      if (!value(&o->output)) return false;
    } else if (a == "--precision") {
      if (!value(&o->precision)) return false;
    } else if (a == "--labels") {
      if (!value(&o->labels_path)) return false;
    } else if (a == "--preprocessing") {
      if (!value(&o->preprocessing)) return false;
    } else if (a == "--training-pictures") {
      if (!value(&o->training_pictures_path)) return false;
    } else if (a == "--stall-seconds") {
      std::string v;
      if (!value(&v)) return false;
      char* end = nullptr;
      const long seconds = std::strtol(v.c_str(), &end, 10);
      if (v.empty() || *end != '\0' || seconds < 1 || seconds > 86400) {
        *error = "--stall-seconds needs a whole number of seconds from 1 to 86400";
        return false;
      }
      *stall_seconds = static_cast<int>(seconds);
    } else if (a == "--input-size") {
      std::string h, w;
      if (!value(&h) || !value(&w)) return false;
      o->input_size_given = true;
      if (!ParseSide(h, &o->input_height) || !ParseSide(w, &o->input_width)) {
        *error = "--input-size needs a height and a width from 1 to 65536";
        return false;
      }
    } else if (a == "--notop") {
      o->notop = true;
    } else if (a == "-h" || a == "--help") {
      *error = "";
      return false;
    } else if (!a.empty() && a[0] == '-') {
      *error = "unknown option " + a;
      return false;
    } else if (o->input.empty()) {
      o->input = a;
    } else {
      *error = "more than one input file";
      return false;
    }
  }
  if (o->input.empty() || o->output.empty()) *error = "an input file and -o OUT are required";
  return error->empty();
}

// A progress bar on stderr, redrawn in place; only when stderr is a terminal.
class ProgressBar {
 public:
  ProgressBar() : enabled_(isatty(STDERR_FILENO) == 1), start_(Clock::now()) {}
  ~ProgressBar() {
    if (drawn_) std::fputs("\r\033[K", stderr);
  }
  void Update(uint64_t done, uint64_t total, const std::string& layer) {
    if (!enabled_ || total == 0) return;
    const double f = static_cast<double>(done) / static_cast<double>(total);
    const double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
    const double eta = f > 0 ? elapsed * (1 - f) / f : 0;
    const int width = 30, filled = static_cast<int>(f * width);
    std::fprintf(stderr, "\r\033[Kreading [%s%s] %3.0f%% %.0f/%.0f MB  ETA %.0fs  %s",
                 std::string(static_cast<size_t>(filled), '#').c_str(),
                 std::string(static_cast<size_t>(width - filled), ' ').c_str(), 100 * f,
                 static_cast<double>(done) / 1e6, static_cast<double>(total) / 1e6, eta,
                 layer.c_str());
    drawn_ = true;
  }

 private:
  using Clock = std::chrono::steady_clock;
  bool enabled_;
  bool drawn_ = false;
  Clock::time_point start_;
};

void PrintQuantization(const convscope::ModelHeader& h) {
  std::printf("\nQuantization error (int8 per-output-channel weights vs f32):\n");
  std::printf(" %-28s %10s %22s\n", "Layer", "SQNR (dB)", "max |error| / max |w|");
  for (const convscope::LayerEntry& e : h.layers) {
    for (const convscope::WeightEntry& w : e.weights) {
      if (w.quantization.is_null()) continue;
      std::printf(" %-28s %10.2f %22.5f\n", e.layer.name.c_str(),
                  w.quantization.value("sqnr_db", 0.0),
                  w.quantization.value("max_abs_error_relative", 0.0));
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  ConvertOptions options;
  int stall_seconds = 60;
  std::string error;
  if (!ParseArgs(argc, argv, &options, &stall_seconds, &error)) {
    if (!error.empty()) std::fprintf(stderr, "model_convert: %s\n", error.c_str());
    std::fputs(kUsage, error.empty() ? stdout : stderr);
    return error.empty() ? 0 : 2;
  }
  convscope::convert::ConvertResult result;
  convscope::Status status = convscope::Status::Ok();
  {
    ProgressBar bar;
    // Watches the reading of a Keras file (libhdf5) only: writing the output takes what the disk
    // takes, and a convscope model file is read in one go. Nothing has been written when it fires.
    std::optional<convscope::convert::StallWatchdog> watchdog;
    if (!convscope::convert::IsModelFile(options.input)) {
      watchdog.emplace(std::chrono::seconds(stall_seconds), [&options, stall_seconds] {
        std::fprintf(stderr,
                     "%smodel_convert: error: %s: reading it made no progress for %d s, so the "
                     "conversion was stopped (the HDF5 library loops on some damaged files)\n",
                     isatty(STDERR_FILENO) == 1 ? "\n" : "", options.input.c_str(), stall_seconds);
        std::_Exit(1);
      });
    }
    status = convscope::convert::Convert(
        options,
        [&](uint64_t done, uint64_t total, const std::string& layer) {
          bar.Update(done, total, layer);
          if (done >= total) {
            watchdog.reset();
          } else if (watchdog) {
            watchdog->Touch();
          }
          return true;
        },
        &result);
  }
  if (!status.ok()) {
    std::fprintf(stderr, "model_convert: error: %s\n", status.message().c_str());
    return 1;
  }
  const convscope::ModelHeader& h = result.header;
  std::printf("%s: %s, %s\n", options.input.c_str(),
              h.source.value("layout", std::string()).c_str(), result.origin.c_str());
  std::fputs(convscope::KerasSummary(h).c_str(), stdout);
  std::printf("\nPreprocessing: %s\n", h.source.value("preprocessing", std::string()).c_str());
  if (h.training_pictures) {
    std::printf("Training pictures: %s (unlike above a score of %.2f)\n",
                h.training_pictures->about.c_str(), h.training_pictures->threshold);
  }

  if (h.precision == convscope::Precision::kInt8) PrintQuantization(h);
  std::printf("\nWrote %s: %s precision, %s bytes (%.1f MB)\n", options.output.c_str(),
              convscope::PrecisionName(h.precision),
              convscope::WithThousands(result.file_size).c_str(),
              static_cast<double>(result.file_size) / 1e6);
  return 0;
}
