package harness

import (
	"context"
	"fmt"

	"github.com/go-rod/rod/lib/proto"
	"github.com/ysmood/gson"
)

// measureFrames measures transformed frames for the engine. Inside a frame that is scaled, rotated or zoomed
// (a device preview, a zoomed canvas) a point of the frame's own viewport is not its offset away from the
// top-level point, and the engine cannot work out the transform from the page alone. Chromium can:
// DOM.getBoxModel gives the frame's content box as a quad in top-level coordinates, transforms applied. The
// engine asks for this only when a frame on the way is transformed, and again when that frame moves.
func (p *Page) measureFrames(ctx context.Context, handles []int) error {
	id, err := p.world.contextID(ctx)
	if err != nil {
		return p.explain(ctx, err, "measuring transformed frames")
	}
	c, done := p.client(ctx)
	defer done()
	type frameQuad struct {
		Handle int           `json:"handle"`
		Quad   proto.DOMQuad `json:"quad"`
	}
	quads := make([]frameQuad, 0, len(handles))
	for _, h := range handles {
		res, err := proto.RuntimeCallFunctionOn{
			FunctionDeclaration: `function (h) { return globalThis.__e2eH.handleElement(h); }`,
			ExecutionContextID:  id,
			Arguments:           []*proto.RuntimeCallArgument{{Value: gson.New(h)}},
		}.Call(c)
		if err != nil {
			return p.explain(ctx, err, "measuring transformed frames")
		}
		if res.ExceptionDetails != nil || res.Result.ObjectID == "" {
			return fmt.Errorf("measuring a transformed frame: the frame element is gone")
		}
		model, err := proto.DOMGetBoxModel{ObjectID: res.Result.ObjectID}.Call(c)
		_ = proto.RuntimeReleaseObject{ObjectID: res.Result.ObjectID}.Call(c)
		if err != nil {
			return p.explain(ctx, err, "measuring transformed frames")
		}
		quads = append(quads, frameQuad{Handle: h, Quad: model.Model.Content})
	}
	return p.world.call(ctx, "setFrameQuads", map[string]any{"quads": quads}, nil)
}
