package convert

import (
	"encoding/json"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Hand-written CustomResourceDefinition types for the strict decoding in the
// tests. k8s.io/apiextensions-apiserver is in the module graph, but importing
// it would pull k8s.io/apiserver, etcd and gRPC into go.mod, so the tests
// decode strictly (sigs.k8s.io/yaml.UnmarshalStrict) into these structs,
// which follow k8s.io/apiextensions-apiserver@v0.34.1
// pkg/apis/apiextensions/{v1beta1,v1}/types.go field for field. The schema
// itself (JSONSchemaProps) is kept as raw JSON and compared byte for byte.

type crdNames struct {
	Plural     string   `json:"plural"`
	Singular   string   `json:"singular,omitempty"`
	ShortNames []string `json:"shortNames,omitempty"`
	Kind       string   `json:"kind"`
	ListKind   string   `json:"listKind,omitempty"`
	Categories []string `json:"categories,omitempty"`
}

type crdValidation struct {
	OpenAPIV3Schema json.RawMessage `json:"openAPIV3Schema,omitempty"`
}

type crdSubresources struct {
	Status *struct{} `json:"status,omitempty"`
	Scale  *struct {
		SpecReplicasPath   string  `json:"specReplicasPath"`
		StatusReplicasPath string  `json:"statusReplicasPath"`
		LabelSelectorPath  *string `json:"labelSelectorPath,omitempty"`
	} `json:"scale,omitempty"`
}

type crdSelectableField struct {
	JSONPath string `json:"jsonPath"`
}

type crdServiceReference struct {
	Namespace string  `json:"namespace"`
	Name      string  `json:"name"`
	Path      *string `json:"path,omitempty"`
	Port      *int32  `json:"port,omitempty"`
}

type crdClientConfig struct {
	URL      *string              `json:"url,omitempty"`
	Service  *crdServiceReference `json:"service,omitempty"`
	CABundle []byte               `json:"caBundle,omitempty"`
}

type crdStatus struct {
	Conditions     []json.RawMessage `json:"conditions,omitempty"`
	AcceptedNames  crdNames          `json:"acceptedNames"`
	StoredVersions []string          `json:"storedVersions,omitempty"`
}

// v1beta1

type crdV1beta1Column struct {
	Name        string `json:"name"`
	Type        string `json:"type"`
	Format      string `json:"format,omitempty"`
	Description string `json:"description,omitempty"`
	Priority    int32  `json:"priority,omitempty"`
	JSONPath    string `json:"JSONPath"`
}

type crdV1beta1Version struct {
	Name                     string               `json:"name"`
	Served                   bool                 `json:"served"`
	Storage                  bool                 `json:"storage"`
	Deprecated               bool                 `json:"deprecated,omitempty"`
	DeprecationWarning       *string              `json:"deprecationWarning,omitempty"`
	Schema                   *crdValidation       `json:"schema,omitempty"`
	Subresources             *crdSubresources     `json:"subresources,omitempty"`
	AdditionalPrinterColumns []crdV1beta1Column   `json:"additionalPrinterColumns,omitempty"`
	SelectableFields         []crdSelectableField `json:"selectableFields,omitempty"`
}

type crdV1beta1 struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              struct {
		Group                    string               `json:"group"`
		Version                  string               `json:"version,omitempty"`
		Names                    crdNames             `json:"names"`
		Scope                    string               `json:"scope"`
		Validation               *crdValidation       `json:"validation,omitempty"`
		Subresources             *crdSubresources     `json:"subresources,omitempty"`
		Versions                 []crdV1beta1Version  `json:"versions,omitempty"`
		AdditionalPrinterColumns []crdV1beta1Column   `json:"additionalPrinterColumns,omitempty"`
		SelectableFields         []crdSelectableField `json:"selectableFields,omitempty"`
		Conversion               *struct {
			Strategy                 string           `json:"strategy"`
			WebhookClientConfig      *crdClientConfig `json:"webhookClientConfig,omitempty"`
			ConversionReviewVersions []string         `json:"conversionReviewVersions,omitempty"`
		} `json:"conversion,omitempty"`
		PreserveUnknownFields *bool `json:"preserveUnknownFields,omitempty"`
	} `json:"spec"`
	Status *crdStatus `json:"status,omitempty"`
}

// v1

type crdV1Column struct {
	Name        string `json:"name"`
	Type        string `json:"type"`
	Format      string `json:"format,omitempty"`
	Description string `json:"description,omitempty"`
	Priority    int32  `json:"priority,omitempty"`
	JSONPath    string `json:"jsonPath"`
}

type crdV1Version struct {
	Name                     string               `json:"name"`
	Served                   bool                 `json:"served"`
	Storage                  bool                 `json:"storage"`
	Deprecated               bool                 `json:"deprecated,omitempty"`
	DeprecationWarning       *string              `json:"deprecationWarning,omitempty"`
	Schema                   *crdValidation       `json:"schema,omitempty"`
	Subresources             *crdSubresources     `json:"subresources,omitempty"`
	AdditionalPrinterColumns []crdV1Column        `json:"additionalPrinterColumns,omitempty"`
	SelectableFields         []crdSelectableField `json:"selectableFields,omitempty"`
}

type crdV1 struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              struct {
		Group      string         `json:"group"`
		Names      crdNames       `json:"names"`
		Scope      string         `json:"scope"`
		Versions   []crdV1Version `json:"versions"`
		Conversion *struct {
			Strategy string `json:"strategy"`
			Webhook  *struct {
				ClientConfig             *crdClientConfig `json:"clientConfig,omitempty"`
				ConversionReviewVersions []string         `json:"conversionReviewVersions"`
			} `json:"webhook,omitempty"`
		} `json:"conversion,omitempty"`
		PreserveUnknownFields bool `json:"preserveUnknownFields,omitempty"`
	} `json:"spec"`
	Status *crdStatus `json:"status,omitempty"`
}
