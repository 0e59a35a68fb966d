package osm

// The round trip of the shipped configurations (configs_test.go) is an
// external test, as it loads them with package config, which imports osm.
var (
	OHJS           = ohjs
	AssertSameDays = assertSameDays
)

type OHJSResult = ohjsResult
