// The stb_image and stb_image_resize implementations (Debian's libstb-dev headers), compiled once
// for the core. Only decoding from memory: no stdio in the browser.
#define STB_IMAGE_IMPLEMENTATION
#define STBI_NO_STDIO
#define STBI_NO_LINEAR  // no float HDR loading
#define STBI_NO_HDR
#define STBI_MAX_DIMENSIONS 32768  // matches kMaxImageSide; stb refuses larger before allocating
#include <stb/stb_image.h>

#define STB_IMAGE_RESIZE_IMPLEMENTATION
#include <stb/stb_image_resize.h>
