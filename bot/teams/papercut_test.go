package teams

import (
	"archive/zip"
	"bytes"
	"testing"
)

// Every file in the Teams app package has a valid DOS date, not
// 1980-00-00, which some unzip tools and the Teams admin centre reject.
func TestPapercutAppPackageDatesAreValid(t *testing.T) {
	pkg, err := Manifest(ManifestOptions{AppID: testAppID, Commands: verbs()})
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(pkg), int64(len(pkg)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if day, month := f.ModifiedDate&0x1f, (f.ModifiedDate>>5)&0x0f; day == 0 || month == 0 {
			t.Errorf("%s has DOS date %#x (month %d, day %d)", f.Name, f.ModifiedDate, month, day)
		}
	}
}
