package teams

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math"
)

// Icon sizes Teams requires.
const (
	colorIconSize   = 192
	outlineIconSize = 32
)

// nhsBlue is the accent colour and the colour icon's background.
var nhsBlue = color.NRGBA{0x00, 0x5e, 0xb8, 0xff}

// colorIcon is the 192x192 full-colour icon: a white target, two rings
// and a bull's-eye, on NHS blue.
func colorIcon() []byte {
	return drawTarget(colorIconSize, nhsBlue, color.NRGBA{0xff, 0xff, 0xff, 0xff})
}

// outlineIcon is the 32x32 outline icon: the same target in white on a
// transparent background, as Teams requires.
func outlineIcon() []byte {
	return drawTarget(outlineIconSize, color.NRGBA{}, color.NRGBA{0xff, 0xff, 0xff, 0xff})
}

// drawTarget draws concentric rings: each pixel is fg where its distance
// from the centre falls in a ring, bg elsewhere, with the ring edges
// anti-aliased through alpha.
func drawTarget(size int, bg, fg color.NRGBA) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	s := float64(size)
	c := s / 2
	// Rings as fractions of the icon: outer ring, middle ring, bull's-eye.
	rings := [][2]float64{{0.36, 0.44}, {0.18, 0.26}, {0, 0.09}}
	for y := range size {
		for x := range size {
			d := math.Hypot(float64(x)+0.5-c, float64(y)+0.5-c)
			cover := 0.0
			for _, r := range rings {
				in, out := r[0]*s, r[1]*s
				cover = max(cover, clamp(d-in+0.5)*clamp(out-d+0.5))
				if r[0] == 0 {
					cover = max(cover, clamp(out-d+0.5))
				}
			}
			img.SetNRGBA(x, y, blend(bg, fg, cover))
		}
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img) // encoding to memory cannot fail
	return buf.Bytes()
}

func clamp(v float64) float64 { return min(1, max(0, v)) }

// blend mixes fg over bg by t in [0,1].
func blend(bg, fg color.NRGBA, t float64) color.NRGBA {
	if bg.A == 0 { // over transparency, only the alpha fades: edges stay white
		return color.NRGBA{fg.R, fg.G, fg.B, uint8(math.Round(float64(fg.A) * t))}
	}
	mix := func(a, b uint8) uint8 { return uint8(math.Round(float64(a)*(1-t) + float64(b)*t)) }
	return color.NRGBA{mix(bg.R, fg.R), mix(bg.G, fg.G), mix(bg.B, fg.B), mix(bg.A, fg.A)}
}
