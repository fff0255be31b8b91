package harness

// The words the Go side and the engine (injected/engine.js) exchange. engine.js declares the same sets in its
// CHECK, STATUS and KIND tables and refers to them only through those tables; engine_protocol_test.go checks
// that both sides hold exactly the same words, so a check renamed on one side cannot silently never match.

// Check names one actionability check. CheckState.Name and the engine's answers use these.
type Check string

// The checks, in the order an action runs them.
const (
	CheckResolve        Check = "resolve"  // the locator could be evaluated at all (a bad selector, a cross-origin frame)
	CheckAttached       Check = "attached" // an element matches
	CheckUnique         Check = "unique"   // exactly one element matches (actions are strict)
	CheckVisible        Check = "visible"
	CheckEnabled        Check = "enabled"
	CheckEditable       Check = "editable"
	CheckInViewport     Check = "in viewport"
	CheckStable         Check = "stable"
	CheckReceivesEvents Check = "receives events"
)

// engineChecks is every Check, for the protocol test.
var engineChecks = []Check{CheckResolve, CheckAttached, CheckUnique, CheckVisible, CheckEnabled, CheckEditable,
	CheckInViewport, CheckStable, CheckReceivesEvents}

// status is the engine's verdict in an answer.
type status string

const (
	// prepare and confirm
	statusReady status = "ready" // every check passed; the answer carries the element's handle and point
	statusWait  status = "wait"  // a check is failing for now; the action may wait and look again
	statusError status = "error" // a check failed for good (two matches, a bad selector)
	// verify
	statusReceived    status = "received"     // every event the input must produce reached the target
	statusNotReceived status = "not received" // some went elsewhere, or never came
	statusHeldBack    status = "held back"    // the press would have missed and was kept from the page
	// dropOutcome
	statusDropped   status = "dropped"   // the drop reached the drop target
	statusElsewhere status = "elsewhere" // the drop reached another element
	statusRejected  status = "rejected"  // nothing accepted the drop
)

var engineStatuses = []status{statusReady, statusWait, statusError, statusReceived, statusNotReceived,
	statusHeldBack, statusDropped, statusElsewhere, statusRejected}

// inputKind tells the engine's recorder which events the input about to be dispatched must produce on the
// target (its requiredEvents table).
type inputKind string

const (
	kindClick       inputKind = "click"       // pointerdown, pointerup, click
	kindDoubleClick inputKind = "dblclick"    // … and dblclick
	kindContextMenu inputKind = "contextmenu" // pointerdown, contextmenu
	kindPress       inputKind = "press"       // pointerdown only (ActsOnPress)
	kindDrag        inputKind = "drag"        // pointerdown on the source
	kindHover       inputKind = "hover"       // the target matches :hover
	kindKeys        inputKind = "keys"        // keydown
	kindText        inputKind = "text"        // beforeinput
	kindNone        inputKind = "none"        // nothing: disarm the recorder
)

var engineKinds = []inputKind{kindClick, kindDoubleClick, kindContextMenu, kindPress, kindDrag, kindHover,
	kindKeys, kindText, kindNone}
