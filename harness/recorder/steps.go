package recorder

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// stepKind is one kind of line in the written spec.
type stepKind int

const (
	stepGoto stepKind = iota
	stepReload
	stepClick
	stepDoubleClick
	stepRightClick
	stepCheck
	stepUncheck
	stepFill
	stepType
	stepPress
	stepKeyboardPress
	stepDrag
	stepAssertText
	stepAssertVisible
	stepAssertValue
	stepAssertCount
	stepNote // a comment: something the person did that the spec cannot replay
)

// step is one action or assertion of the spec.
type step struct {
	kind      stepKind
	loc       *chosenLocator
	dest      *chosenLocator // drag
	text      string         // URL, typed text, key combination, expected text or value, note
	count     int
	env       string // the environment variable a password comes from
	modifiers []string
	at        *point // AtPosition
	dropAt    *point
	keepCaret bool
	groupName string
	scopeName string

	// For folding a click into the typing that follows it.
	focused bool
	offset  *point
	plain   bool // a single plain click
}

// typingItem is one piece of typing into a field: text that went in, or an editing key.
type typingItem struct {
	msg message
}

// typingRun is consecutive typing into one field, with nothing else in between.
type typingRun struct {
	loc   *chosenLocator
	items []typingItem
}

// buildSteps turns the page's messages into the spec's steps: typing folded into one Fill or Type per field, a
// double click's two clicks into one DoubleClick, a click on a checkbox into Check or Uncheck, the page's own
// navigations (a link, a form) into nothing, since the action before them causes them again.
func buildSteps(msgs []message, base string) (steps []step, passwords []string) {
	sort.SliceStable(msgs, func(i, j int) bool {
		if msgs[i].epoch != msgs[j].epoch {
			return msgs[i].epoch < msgs[j].epoch
		}
		return msgs[i].Seq < msgs[j].Seq
	})
	var run *typingRun
	envs := map[string]bool{}
	flush := func() {
		if run != nil {
			var pw string
			steps, pw = appendTyping(steps, run, envs)
			if pw != "" {
				passwords = append(passwords, pw)
			}
			run = nil
		}
	}
	pageNavigated := false
	for _, m := range msgs {
		typing := m.Type == "input" || (m.Type == "key" && m.Editing)
		if typing && m.chosen != nil {
			// Line breaks come with their Enter key, which is recorded as a press.
			if m.InputType == "insertLineBreak" || m.InputType == "insertParagraph" {
				continue
			}
			if run != nil && run.loc.code != m.chosen.code {
				flush()
			}
			if run == nil {
				run = &typingRun{loc: m.chosen}
			}
			run.items = append(run.items, typingItem{msg: m})
			continue
		}
		if m.Type == "flush" || m.Type == "error" {
			continue
		}
		flush()
		switch m.Type {
		case "document":
			if m.URL == "about:blank" || m.URL == "" {
				continue
			}
			if pageNavigated {
				pageNavigated = false
				continue
			}
			if m.NavigationType == "reload" && len(steps) > 0 {
				steps = append(steps, step{kind: stepReload})
				continue
			}
			steps = append(steps, step{kind: stepGoto, text: m.URL})
		case "navigate":
			pageNavigated = true
		case "click":
			if m.chosen == nil {
				steps = append(steps, unreachable("a click", m.Target))
				continue
			}
			s := step{kind: stepClick, loc: m.chosen, modifiers: m.Modifiers, focused: m.Focused, offset: m.Offset,
				plain: len(m.Modifiers) == 0 && m.ClickCount <= 1}
			if m.Checkable && m.Checked != m.CheckedBefore {
				s.kind, s.plain = stepUncheck, false
				if m.Checked {
					s.kind = stepCheck
				}
			}
			steps = append(steps, s)
		case "dblclick":
			if m.chosen == nil {
				steps = append(steps, unreachable("a double click", m.Target))
				continue
			}
			// Its two clicks were recorded as they happened: they are this double click.
			for i := 0; i < 2 && len(steps) > 0; i++ {
				last := steps[len(steps)-1]
				if last.kind != stepClick || last.loc.code != m.chosen.code {
					break
				}
				steps = steps[:len(steps)-1]
			}
			steps = append(steps, step{kind: stepDoubleClick, loc: m.chosen, modifiers: m.Modifiers})
		case "contextmenu":
			if m.chosen == nil {
				steps = append(steps, unreachable("a right click", m.Target))
				continue
			}
			steps = append(steps, step{kind: stepRightClick, loc: m.chosen, modifiers: m.Modifiers})
		case "key":
			if m.Target == nil {
				steps = append(steps, step{kind: stepKeyboardPress, text: m.Combo})
				continue
			}
			if m.chosen == nil {
				steps = append(steps, unreachable("pressing "+m.Combo, m.Target))
				continue
			}
			steps = append(steps, step{kind: stepPress, loc: m.chosen, text: m.Combo})
		case "drag":
			if m.chosen == nil || m.chosenSource == nil {
				steps = append(steps, unreachable("a drag and drop", m.Target))
				continue
			}
			steps = append(steps, step{kind: stepDrag, loc: m.chosenSource, dest: m.chosen, dropAt: m.DropAt})
		case "assert":
			if m.chosen == nil {
				steps = append(steps, unreachable("an assertion", m.Target))
				continue
			}
			steps = append(steps, assertionStep(m))
		}
	}
	flush()
	return steps, passwords
}

func assertionStep(m message) step {
	s := step{loc: m.chosen}
	switch m.Assertion {
	case "text":
		s.kind, s.text = stepAssertText, m.Text
	case "visible":
		s.kind = stepAssertVisible
	case "value":
		s.kind, s.text = stepAssertValue, m.Value
		if m.NoValue {
			s.kind, s.text = stepAssertText, m.Text // a contenteditable field has text, not a value
		}
		if m.Target != nil && m.Target.Password {
			return step{kind: stepNote, text: "the value of " + m.chosen.name + " is a password: it is not asserted"}
		}
	case "count":
		s.kind, s.count = stepAssertCount, m.Target.Count
		s.groupName, s.scopeName = m.Target.GroupName, m.Target.ScopeName
	}
	return s
}

func unreachable(what string, t *target) step {
	element := "an element"
	if t != nil && t.Element != "" {
		element = t.Element
	}
	return step{kind: stepNote, text: fmt.Sprintf("%s on %s inside a cross-origin frame was not recorded: the harness reaches only same-origin frames", what, element)}
}

// appendTyping writes a typing run as the fewest steps that reproduce it:
//   - a password: Fill from an environment variable, never the value;
//   - a field that was empty or wholly selected and now holds plain text: one Fill with that text, as long as
//     Fill's one text insertion gives what the keystrokes gave (typing "{{" opens a menu and Fill would not);
//   - typing at the end of the text: one Type, which also clicks the field and puts the caret at the end when
//     the field did not have the focus (so the click that focused it is folded in);
//   - anything else (typing in the middle, editing keys next to chips): Type and Press at the caret, after the
//     click that put the caret there, at the point where it was pressed.
func appendTyping(steps []step, run *typingRun, envs map[string]bool) ([]step, string) {
	first := run.items[0].msg
	var typed strings.Builder
	after, plain, password, deletions, unknownText := first.Before, first.Plain || first.Type == "input", false, false, false
	for _, it := range run.items {
		m := it.msg
		password = password || m.Password || (m.Target != nil && m.Target.Password)
		switch {
		case m.Type == "key":
			deletions = true
		case strings.HasPrefix(m.InputType, "delete"):
			deletions = true
			after, plain = m.After, m.Plain
		default:
			if m.Data == nil {
				unknownText = true
			} else {
				typed.WriteString(*m.Data)
			}
			after, plain = m.After, m.Plain
		}
	}
	// The click that gave the field the focus, and the End that took the caret to the end: Fill and Type do
	// both themselves.
	fold := 0
	var focusing *step
	n := len(steps)
	if n > 1 && steps[n-1].kind == stepPress && steps[n-1].loc.code == run.loc.code &&
		(steps[n-1].text == "End" || steps[n-1].text == "Control+End") && isFocusingClick(steps[n-2], run.loc) {
		fold, focusing = 2, &steps[n-2]
	} else if n > 0 && isFocusingClick(steps[n-1], run.loc) {
		fold, focusing = 1, &steps[n-1]
	}
	dropFocusing := func() { steps = steps[:len(steps)-fold] }
	if password {
		env := envName(run.loc, envs)
		dropFocusing()
		return append(steps, step{kind: stepFill, loc: run.loc, env: env}), env
	}
	fresh := first.Selection == "empty" || first.Selection == "all"
	if fresh && plain && (after == typed.String() || deletions || unknownText) {
		dropFocusing()
		return append(steps, step{kind: stepFill, loc: run.loc, text: after}), ""
	}
	if (first.Selection == "end" || first.Selection == "empty") && !deletions && !unknownText {
		keep := focusing == nil
		dropFocusing()
		return append(steps, step{kind: stepType, loc: run.loc, text: typed.String(), keepCaret: keep}), ""
	}
	if fold == 1 && first.Selection == "middle" {
		focusing.at = focusing.offset // the caret goes where the person put it
	}
	var pending strings.Builder
	emit := func() {
		if pending.Len() > 0 {
			steps = append(steps, step{kind: stepType, loc: run.loc, text: pending.String(), keepCaret: true})
			pending.Reset()
		}
	}
	for _, it := range run.items {
		m := it.msg
		switch {
		case m.Type == "key":
			emit()
			steps = append(steps, step{kind: stepPress, loc: run.loc, text: m.Combo})
		case strings.HasPrefix(m.InputType, "delete"):
			// Its key was recorded just before it.
		case m.Data != nil:
			pending.WriteString(*m.Data)
		}
	}
	emit()
	return steps, ""
}

var notEnvChar = regexp.MustCompile(`[^A-Z0-9]+`)

// envName names the environment variable a recorded password comes from after its field: RECORDED_<FIELD>.
func envName(loc *chosenLocator, taken map[string]bool) string {
	base := "RECORDED_" + strings.Trim(notEnvChar.ReplaceAllString(strings.ToUpper(loc.envHint()), "_"), "_")
	if base == "RECORDED_" {
		base = "RECORDED_PASSWORD"
	}
	name := base
	for i := 2; taken[name]; i++ {
		name = fmt.Sprintf("%s_%d", base, i)
	}
	taken[name] = true
	return name
}

func isFocusingClick(s step, field *chosenLocator) bool {
	return s.kind == stepClick && s.plain && !s.focused && s.loc.code == field.code
}
