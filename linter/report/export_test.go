package report

// ReferenceWrite is referenceWrite for the tests of package report_test,
// which scan real trees.
var ReferenceWrite = referenceWrite
