// The page's and the widget's own files (the default model, samples, an image or model an author
// names), fetched as Blobs, with errors that say which file and what to do.

// `what` names the file for the reader ("the image ../samples/x.png"). A page opened from file://
// cannot fetch files beside it (browsers forbid it), which fetch reports only as "Failed to fetch".
export async function blobOf(url, what = url) {
  let response;
  try {
    response = await fetch(url);
  } catch (e) {
    if (location.protocol === 'file:' && !url.startsWith('data:')) {
      throw new Error(
        `could not load ${what}: a page opened from file:// cannot read files beside it. Serve the folder over http (npx convscope serve, or python3 -m http.server), or drop the file onto an interactive widget`,
        { cause: e },
      );
    }
    throw new Error(`could not load ${what}: ${e.message}`, { cause: e });
  }
  if (!response.ok) throw new Error(`could not load ${what}: HTTP ${response.status}`);
  return response.blob();
}
