#include "incremental_forward.h"

#include <algorithm>
#include <cstring>

#include "xnn_handles.h"

namespace convscope {

struct IncrementalForward::Stage {
  const Layer* layer = nullptr;  // null for the input
  Shape in, out;                 // H x W x C
  WindowPadding pad;
  // The layer on gathered tiles, valid padding (the halo comes from the gathered tile).
  std::unique_ptr<TileRunner> runner;
  std::vector<float> base;   // the unmodified image's output
  std::vector<Box> changed;  // per copy: where its output may differ from base (may be empty)
  std::vector<Box> tiles;    // per copy: the recomputed box, `changed` grown to the shared size
  size_t tile_h = 0, tile_w = 0;
  std::vector<float> values;  // copies x tile_h x tile_w x channels
};

namespace {

// Output indices [lo, hi] whose window (stride, kernel, leading padding) touches input [a, b].
bool Reach(ptrdiff_t a, ptrdiff_t b, size_t stride, size_t kernel, size_t pad, size_t out,
           size_t* lo, size_t* hi) {
  const auto s = static_cast<ptrdiff_t>(stride);
  const ptrdiff_t first = a + static_cast<ptrdiff_t>(pad) - static_cast<ptrdiff_t>(kernel) + 1;
  const ptrdiff_t low = first <= 0 ? 0 : (first + s - 1) / s;
  const ptrdiff_t high =
      std::min((b + static_cast<ptrdiff_t>(pad)) / s, static_cast<ptrdiff_t>(out) - 1);
  if (low > high) return false;
  *lo = static_cast<size_t>(low);
  *hi = static_cast<size_t>(high);
  return true;
}

// The box of `st`'s output that a change inside `in` (a box of its input) can reach.
Box Reached(const Layer& l, const WindowPadding& pad, const Shape& out, const Box& in) {
  if (in.height == 0 || in.width == 0) return {};
  size_t top, bottom, left, right;
  const auto last = [](size_t start, size_t size) {
    return static_cast<ptrdiff_t>(start + size) - 1;
  };
  if (!Reach(static_cast<ptrdiff_t>(in.top), last(in.top, in.height), l.stride_h, l.window_h(),
             pad.top, out[0], &top, &bottom) ||
      !Reach(static_cast<ptrdiff_t>(in.left), last(in.left, in.width), l.stride_w, l.window_w(),
             pad.left, out[1], &left, &right)) {
    return {};
  }
  return {top, left, bottom - top + 1, right - left + 1};
}

bool Inside(size_t v, size_t start, size_t size) { return v >= start && v - start < size; }

// The last layer of the longest chain from the input after which every layer reads only that layer
// or later ones (the rest of the model can then run from its output alone).
size_t LastCut(const ModelFile& model) {
  const auto& layers = model.header().layers;
  // reads_before[i]: the earliest layer that a layer from i on reads.
  std::vector<size_t> reads_before(layers.size() + 1, SIZE_MAX);
  for (size_t i = layers.size(); i-- > 1;) {
    const std::vector<size_t>& in = layers[i].layer.inputs;
    reads_before[i] = std::min(reads_before[i + 1], *std::min_element(in.begin(), in.end()));
  }
  size_t cut = 0;
  while (cut + 1 < layers.size() && layers[cut + 1].layer.inputs == std::vector<size_t>{cut} &&
         reads_before[cut + 2] >= cut + 1) {
    ++cut;
  }
  return cut;
}

}  // namespace

IncrementalForward::~IncrementalForward() = default;

size_t IncrementalForward::last_layer() const { return stages_.size() - 1; }

std::span<const float> IncrementalForward::base(size_t layer) const { return stages_[layer].base; }

Status IncrementalForward::Create(const ModelFile& model, std::span<const float> image,
                                  pthreadpool_t threadpool,
                                  std::unique_ptr<IncrementalForward>* out) {
  CONVSCOPE_RETURN_IF_ERROR(EnsureXnnInitialized());
  std::unique_ptr<IncrementalForward> f(new IncrementalForward());
  f->model_ = &model;
  f->threadpool_ = threadpool;
  const auto& layers = model.header().layers;
  Stage input;
  input.in = input.out = layers[0].layer.output_shape;
  input.base.assign(image.begin(), image.end());
  f->stages_.push_back(std::move(input));
  const size_t cut = LastCut(model);
  for (size_t i = 1; i <= cut; ++i) {
    const Layer& l = layers[i].layer;
    const LayerKindOps& ops = KindOps(l.kind);
    // The trunk is the chain of maps from the input on whose kinds run tiles.
    if (ops.tiles == nullptr || l.output_shape.size() != 3) break;
    Stage st;
    st.layer = &l;
    st.in = layers[i - 1].layer.output_shape;
    st.out = l.output_shape;
    st.pad = PaddingOf(l, st.in);
    CONVSCOPE_RETURN_IF_ERROR(ops.tiles(model, i, threadpool, &st.runner));
    if (!st.runner) break;  // the kind runs no tiles with this layer's options
    f->stages_.push_back(std::move(st));
  }
  // The image itself, computed whole once: every later copy starts from these activations.
  Stage& first = f->stages_[0];
  first.changed = first.tiles = {Box{0, 0, first.out[0], first.out[1]}};
  first.tile_h = first.out[0];
  first.tile_w = first.out[1];
  first.values = first.base;
  for (size_t s = 1; s < f->stages_.size(); ++s) {
    CONVSCOPE_RETURN_IF_ERROR(f->RunStage(s, 1, true));
  }
  for (size_t s = 1; s < f->stages_.size(); ++s)
    f->stages_[s].base = std::move(f->stages_[s].values);
  *out = std::move(f);
  return Status::Ok();
}

Status IncrementalForward::Run(std::span<const Box> boxes, float fill, bool whole) {
  Stage& first = stages_[0];
  const size_t h = first.out[0], w = first.out[1], c = first.out[2];
  for (const Box& b : boxes) {
    if (b.height == 0 || b.width == 0 || b.top + b.height > h || b.left + b.width > w) {
      return Status::Error("an occluding box must be non-empty and inside the image");
    }
  }
  const size_t copies = boxes.size();
  first.changed.assign(boxes.begin(), boxes.end());
  first.tile_h = whole ? h : 0;
  first.tile_w = whole ? w : 0;
  for (const Box& b : boxes) {
    first.tile_h = std::max(first.tile_h, b.height);
    first.tile_w = std::max(first.tile_w, b.width);
  }
  first.tiles.resize(copies);
  first.values.resize(copies * first.tile_h * first.tile_w * c);
  for (size_t i = 0; i < copies; ++i) {
    const Box& b = boxes[i];
    Box& t = first.tiles[i];
    t = {std::min(b.top, h - first.tile_h), std::min(b.left, w - first.tile_w), first.tile_h,
         first.tile_w};
    float* dst = first.values.data() + i * t.height * t.width * c;
    for (size_t y = t.top; y < t.top + t.height; ++y) {
      for (size_t x = t.left; x < t.left + t.width; ++x, dst += c) {
        if (Inside(y, b.top, b.height) && Inside(x, b.left, b.width)) {
          std::fill(dst, dst + c, fill);
        } else {
          std::memcpy(dst, first.base.data() + (y * w + x) * c, c * sizeof(float));
        }
      }
    }
  }
  for (size_t s = 1; s < stages_.size(); ++s) CONVSCOPE_RETURN_IF_ERROR(RunStage(s, copies, whole));
  return Status::Ok();
}

Status IncrementalForward::RunStage(size_t index, size_t copies, bool whole) {
  const Stage& prev = stages_[index - 1];
  Stage& st = stages_[index];
  const Layer& l = *st.layer;
  const size_t oh = st.out[0], ow = st.out[1], in_h = st.in[0], in_w = st.in[1], c = st.in[2];
  st.changed.resize(copies);
  st.tile_h = whole ? oh : 0;
  st.tile_w = whole ? ow : 0;
  for (size_t i = 0; i < copies; ++i) {
    st.changed[i] = whole ? Box{0, 0, oh, ow} : Reached(l, st.pad, st.out, prev.changed[i]);
    st.tile_h = std::max(st.tile_h, st.changed[i].height);
    st.tile_w = std::max(st.tile_w, st.changed[i].width);
  }
  // A runner whose tiles must start on multiples of `align` (2: Winograd's 2x2 blocks,
  // conv2d_layer.cc) gets room for that, and a tile that must end at the map's edge is made longer
  // so that it still starts on a multiple.
  const size_t align = st.runner->alignment;
  if (align > 1 && !whole) {
    const auto aligned = [align](size_t size, size_t full) {
      if (size == 0) return size_t{0};
      size += align - 1;
      if (size < full && (full - size) % align != 0) size += align - (full - size) % align;
      return std::min(size, full);
    };
    st.tile_h = aligned(st.tile_h, oh);
    st.tile_w = aligned(st.tile_w, ow);
  }
  const auto start = [align](size_t changed, size_t last) {
    return std::min(changed / align * align, last);
  };
  st.tiles.resize(copies);
  for (size_t i = 0; i < copies; ++i) {
    st.tiles[i] = {start(st.changed[i].top, oh - st.tile_h),
                   start(st.changed[i].left, ow - st.tile_w), st.tile_h, st.tile_w};
  }
  st.values.resize(copies * st.tile_h * st.tile_w * st.out[2]);
  if (st.tile_h == 0 || st.tile_w == 0) return Status::Ok();

  // Each copy's tile input: its previous tile where it has one, the base elsewhere, padding
  // (0 for a convolution, -inf for max pooling) outside the map.
  const size_t gh = (st.tile_h - 1) * l.stride_h + l.window_h();
  const size_t gw = (st.tile_w - 1) * l.stride_w + l.window_w();
  const float pad = st.runner->padding;
  gathered_.resize(copies * gh * gw * c + XNN_EXTRA_BYTES / sizeof(float));
  for (size_t i = 0; i < copies; ++i) {
    const Box& from = prev.tiles[i];
    const float* tile = prev.values.data() + i * prev.tile_h * prev.tile_w * c;
    const auto y0 =
        static_cast<ptrdiff_t>(st.tiles[i].top * l.stride_h) - static_cast<ptrdiff_t>(st.pad.top);
    const auto x0 =
        static_cast<ptrdiff_t>(st.tiles[i].left * l.stride_w) - static_cast<ptrdiff_t>(st.pad.left);
    float* dst = gathered_.data() + i * gh * gw * c;
    for (size_t gy = 0; gy < gh; ++gy) {
      const ptrdiff_t y = y0 + static_cast<ptrdiff_t>(gy);
      const bool row_inside = y >= 0 && y < static_cast<ptrdiff_t>(in_h);
      const auto uy = static_cast<size_t>(y);
      const bool row_in_tile = row_inside && Inside(uy, from.top, from.height);
      for (size_t gx = 0; gx < gw; ++gx, dst += c) {
        const ptrdiff_t x = x0 + static_cast<ptrdiff_t>(gx);
        if (!row_inside || x < 0 || x >= static_cast<ptrdiff_t>(in_w)) {
          std::fill(dst, dst + c, pad);
          continue;
        }
        const auto ux = static_cast<size_t>(x);
        const float* src = row_in_tile && Inside(ux, from.left, from.width)
                               ? tile + ((uy - from.top) * from.width + (ux - from.left)) * c
                               : prev.base.data() + (uy * in_w + ux) * c;
        std::memcpy(dst, src, c * sizeof(float));
      }
    }
  }

  return st.runner->Run(gathered_.data(), copies, gh, gw, st.values.data());
}

void IncrementalForward::Output(size_t index, std::span<float> out) const {
  const Stage& st = stages_.back();
  const size_t w = st.out[1], c = st.out[2];
  std::copy(st.base.begin(), st.base.end(), out.begin());
  const Box& t = st.tiles[index];
  const float* tile = st.values.data() + index * st.tile_h * st.tile_w * c;
  for (size_t y = 0; y < t.height; ++y) {
    std::copy_n(tile + y * t.width * c, t.width * c,
                out.begin() + static_cast<ptrdiff_t>(((t.top + y) * w + t.left) * c));
  }
}

}  // namespace convscope
