package reports

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/jpeg"
	_ "image/png" // screenshots are PNG; image.Decode needs the decoder registered
	"net/http"
	"path"
	"strings"
)

// Limits that keep report.html small enough to attach, mail and open quickly: with the harness's defaults a
// failing spec needs ~250 KB of images, so these only bite on unusual pages (a 4K viewport, noisy frames) or
// on runs with many failures, where the first failures matter most and the rest stay one click away on disk.
const (
	maxInlineScreenshot = 400 << 10 // bigger screenshots are downscaled and re-encoded as JPEG
	maxInlineFrame      = 120 << 10 // a bigger filmstrip frame is left out
	maxFilmstripFrames  = 12
	maxImagesPerSpec    = 1 << 20
	maxImagesPerReport  = 4 << 20 // raw bytes; base64 adds a third
)

// imageBudget hands out the report's allowance for inline images, first come first served: specs are rendered
// failures first, so those get their images inline.
type imageBudget struct{ left int }

func (b *imageBudget) take(n int) bool {
	if n > b.left {
		return false
	}
	b.left -= n
	return true
}

// dataURI is an image as a data: URI, the only way to put it in one file that opens with no server.
func dataURI(mime string, data []byte) string {
	return "data:" + mime + ";base64," + base64.StdEncoding.EncodeToString(data)
}

// imageMIME accepts only what browsers render as an image and nothing else, whatever the file is called.
func imageMIME(data []byte) string {
	switch ct := http.DetectContentType(data); ct {
	case "image/png", "image/jpeg", "image/webp", "image/gif":
		return ct
	default:
		return ""
	}
}

// fitScreenshot returns a screenshot small enough to inline: as is when it is, else halved until a JPEG of it
// fits (a screenshot is for seeing the page, not for pixel comparison).
func fitScreenshot(data []byte, limit int) (out []byte, mime string, shrunk bool) {
	mime = imageMIME(data)
	if mime == "" {
		return nil, "", false
	}
	if len(data) <= limit {
		return data, mime, false
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, "", false
	}
	for scale := 1; scale <= 8; scale *= 2 {
		small := img
		if scale > 1 {
			small = downscale(img, scale)
		}
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, small, &jpeg.Options{Quality: 70}); err != nil {
			return nil, "", false
		}
		if buf.Len() <= limit {
			return buf.Bytes(), "image/jpeg", true
		}
	}
	return nil, "", false
}

// downscale shrinks img by an integer factor, averaging each factor×factor block so text stays legible.
func downscale(img image.Image, factor int) image.Image {
	b := img.Bounds()
	w, h := b.Dx()/factor, b.Dy()/factor
	if w < 1 || h < 1 {
		return img
	}
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	n := uint32(factor * factor)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var r, g, bl, a uint32
			for dy := 0; dy < factor; dy++ {
				for dx := 0; dx < factor; dx++ {
					cr, cg, cb, ca := img.At(b.Min.X+x*factor+dx, b.Min.Y+y*factor+dy).RGBA()
					r, g, bl, a = r+cr, g+cg, bl+cb, a+ca
				}
			}
			i := out.PixOffset(x, y)
			out.Pix[i+0] = uint8(r / n >> 8)
			out.Pix[i+1] = uint8(g / n >> 8)
			out.Pix[i+2] = uint8(bl / n >> 8)
			out.Pix[i+3] = uint8(a / n >> 8)
		}
	}
	return out
}

// relativeLink turns a path under the output directory into a link that works from report.html next to it,
// on disk or unpacked from a CI artifact.
func relativeLink(parts ...string) string {
	p := path.Join(parts...)
	if strings.HasPrefix(p, "../") || strings.HasPrefix(p, "/") {
		return ""
	}
	return p
}
