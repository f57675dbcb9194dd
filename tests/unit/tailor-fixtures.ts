/** A fictional CV (invented person and employers) for the tailoring tests. */
import type { CvContent } from "@/shared/cv";

const empty = { volunteer: [], awards: [], certificates: [], interests: [], projects: [], languages: [], education: [] };

/** A fictional founder whose oldest jobs are the ones an inference offer asks about. */
export const noor: CvContent = {
  ...empty,
  basics: { name: "Noor Haddad", label: "Research Intern", summary: "Engineer building machine learning systems." },
  work: [
    {
      name: "Quillfire Labs",
      position: "Co-Founder & CTO",
      startDate: "2021-06",
      highlights: ["Raised the seed round and hired the first eight engineers", "Set the product roadmap with the CEO"],
    },
    {
      name: "Brightwave Analytics",
      position: "Machine Learning Engineer",
      startDate: "2018-01",
      endDate: "2021-12",
      highlights: [
        "Wrote the quarterly reports for the board",
        "Served model inference on Triton with ONNX exports, cutting latency by 40%",
        "Scaled batch training with Ray on Kubernetes",
      ],
    },
    {
      name: "Institut Lumen",
      position: "Research Intern",
      startDate: "2017-03",
      endDate: "2017-08",
      highlights: ["Quantized vision models for inference on phones"],
    },
    {
      name: "Corner Bakery Group",
      position: "Data Analyst",
      startDate: "2011-01",
      endDate: "2012-06",
      highlights: ["Built weekly sales dashboards"],
    },
  ],
  skills: [
    { name: "Management", keywords: ["Hiring", "Roadmaps"] },
    { name: "Machine learning", keywords: ["PyTorch", "ONNX", "Triton", "Ray"] },
  ],
};

