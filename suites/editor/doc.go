// Package editor holds the specs of the fixture editor's critical features, first among them "Insert dynamic
// data", written against its DOM contract (fixtures/TESTIDS.md) so that they run against the embedded fixture
// and, through BASE_URL, against any deployment of the editor.
//
// The specs live in ordinary (non-test) files so that the post-deploy smoke runner can link the very same
// specs into its binary; editor_suite_test.go runs them under go test and the Ginkgo CLI.
package editor
