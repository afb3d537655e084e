// The stb_image and stb_image_resize implementations (Debian's libstb-dev headers), compiled once
// for the core. Only decoding from memory: no stdio in the browser.
#define STB_IMAGE_IMPLEMENTATION
#define STBI_NO_STDIO
#define STBI_NO_LINEAR  // no float loading
// The four formats a browser user has; stb's other decoders (PNM, TGA, PSD, PIC, HDR) are left
// out: less-used parsers of hostile files (the fuzzer found an overflow in the PNM header's).
#define STBI_ONLY_PNG
#define STBI_ONLY_JPEG
#define STBI_ONLY_BMP
#define STBI_ONLY_GIF
#define STBI_MAX_DIMENSIONS 32768  // matches kMaxImageSide; stb refuses larger before allocating
#include <stb/stb_image.h>

#define STB_IMAGE_RESIZE_IMPLEMENTATION
#include <stb/stb_image_resize.h>
