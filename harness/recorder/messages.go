package recorder

import (
	"encoding/json"
	"fmt"

	"github.com/e2e-harness/e2e/harness"
)

// message is one thing the page side (injected/recorder.js) reports, in the order of seq: the page numbers its
// events when they happen, and some are sent a moment later (once the page's own handlers have run).
type message struct {
	Type string `json:"type"` // document, navigate, click, dblclick, contextmenu, key, input, drag, assert, flush, error
	Seq  int    `json:"seq"`

	Target *target `json:"target"`
	Source *target `json:"source"` // drag

	// document, navigate
	URL            string `json:"url"`
	NavigationType string `json:"navigationType"`

	// click
	Modifiers     []string `json:"modifiers"`
	ClickCount    int      `json:"clickCount"`
	Focused       bool     `json:"focused"` // the element had the focus before it was pressed
	Offset        *point   `json:"offset"`  // where it was pressed, from its top-left corner
	Checkable     bool     `json:"checkable"`
	CheckedBefore bool     `json:"checkedBefore"`
	Checked       bool     `json:"checked"`

	// key
	Combo   string `json:"combo"`
	Editing bool   `json:"editing"` // Backspace or Delete in a text field: part of typing

	// input
	InputType string  `json:"inputType"`
	Data      *string `json:"data"`
	Before    string  `json:"before"`
	After     string  `json:"after"`
	Selection string  `json:"selection"` // empty, all, end, middle: where the caret was when typing began
	Plain     bool    `json:"plain"`
	Password  bool    `json:"password"`

	// drag
	DropAt *point `json:"dropAt"`

	// assert
	Assertion string `json:"assertion"` // text, visible, value, count
	Text      string `json:"text"`
	Value     string `json:"value"`
	NoValue   bool   `json:"noValue"`

	// flush, error
	Token   string `json:"token"`
	Message string `json:"message"`

	epoch        int            // which top-level document sent it: each new document numbers its events anew
	chosen       *chosenLocator // Target's locator, chosen when the message arrived
	chosenSource *chosenLocator
}

// target is an element as the page saw it at the moment of the action: its frames (outermost first) and the
// element itself, each level with its locator candidates.
type target struct {
	Levels      []level      `json:"levels"`
	Box         *harness.Box `json:"box"`
	Element     string       `json:"element"`
	Name        string       `json:"name"`
	Password    bool         `json:"password"`
	CrossOrigin bool         `json:"crossOrigin"`

	// For count assertions: how many there were, what they are and where.
	Count     int    `json:"count"`
	GroupName string `json:"groupName"`
	ScopeName string `json:"scopeName"`
}

type level struct {
	Candidates []candidate `json:"candidates"`
	Element    string      `json:"element"`
	Name       string      `json:"name"`
}

// candidate is one locator for a level, with how many elements it matched in the page at that moment and
// whether the first of them was the recorded element.
type candidate struct {
	Steps []locatorStep `json:"steps"`
	Count int           `json:"count"`
	Same  bool          `json:"same"`
	Group bool          `json:"group"` // a count assertion's locator: many matches are the point
}

// locatorStep is one harness locator call: testid, role, label, text, css, nth (and frame between levels).
type locatorStep struct {
	Kind  string  `json:"kind"`
	Value string  `json:"value"`
	Name  *string `json:"name"`
	Exact bool    `json:"exact"`
	Index int     `json:"index"`
}

type point struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
}

func decodeMessage(payload string) (message, error) {
	var m message
	if err := json.Unmarshal([]byte(payload), &m); err != nil {
		return m, fmt.Errorf("the page sent a message the recorder cannot read: %w", err)
	}
	return m, nil
}
